/**
 * Terminal output: data to stdout, messages to stderr, colour only on a TTY and never with
 * NO_COLOR or --no-color. The one place that writes to the process streams.
 */

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;

/** A colour name. */
export type Colour = keyof typeof CODES;

/** Where a command writes. */
export class Output {
  readonly colour: boolean;
  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
    private readonly err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    options: { colour?: boolean } = {},
  ) {
    const noColour = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
    this.colour = (options.colour ?? true) && !noColour && out.isTTY === true;
  }

  /** Whether stdout is a terminal (progress lines, prompts). */
  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  /** Paints text when colour is on. */
  paint(colour: Colour, text: string): string {
    return this.colour ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
  }

  /** A line of data on stdout. */
  data(text: string): void {
    this.out.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A line for people on stderr. */
  message(text: string): void {
    this.err.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Rewrites the current stderr line (progress on a TTY). */
  status(text: string): void {
    if (this.err.isTTY === true) this.err.write(`\r\u001b[2K${text}`);
  }

  /** Ends a status line. */
  endStatus(): void {
    if (this.err.isTTY === true) this.err.write('\r\u001b[2K');
  }
}
