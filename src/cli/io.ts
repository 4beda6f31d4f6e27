/**
 * Terminal output: data to stdout, messages to stderr. Colour on a TTY, or off one with
 * FORCE_COLOR=1 (2, 3, true); never with FORCE_COLOR=0 (false), NO_COLOR or --no-color. The one
 * place that writes to the process streams: whatever a command writes, a control character in it
 * (from a name, a message, a path) is shown escaped; only line feeds, tabs and this module's own
 * colour codes reach the terminal.
 */
import { displayLines, displayText } from '../model/display.js';

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;

/** The colour codes `paint` writes (and its reset), captured so that `split` keeps them. */
const PAINT_CODE = new RegExp(`(\\u001b\\[(?:${[0, ...Object.values(CODES)].join('|')})m)`);

/** A colour name. */
export type Colour = keyof typeof CODES;

/**
 * What FORCE_COLOR says, read as Node.js reads it: 1, 2, 3, true or empty, colour; any other
 * value (0, false), none; unset, the terminal decides.
 */
function forcedColour(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : ['', '1', '2', '3', 'true'].includes(value);
}

/** Where a command writes. */
export class Output {
  readonly colour: boolean;
  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
    private readonly err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    options: { colour?: boolean } = {},
  ) {
    const noColour = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
    this.colour = (options.colour ?? true) && !noColour && (forcedColour(process.env.FORCE_COLOR) ?? out.isTTY === true);
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
    this.out.write(this.shown(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** A line for people on stderr. */
  message(text: string): void {
    this.err.write(this.shown(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** Rewrites the current stderr line (progress on a TTY). */
  status(text: string): void {
    if (this.err.isTTY === true) this.err.write(`\r\u001b[2K${displayText(text)}`);
  }

  /** Text as written: control characters made visible, but for line feeds, tabs and `paint`'s codes when colour is on. */
  private shown(text: string): string {
    if (!this.colour) return displayLines(text);
    return text
      .split(PAINT_CODE)
      .map((part, i) => (i % 2 === 1 ? part : displayLines(part)))
      .join('');
  }

  /** Ends a status line. */
  endStatus(): void {
    if (this.err.isTTY === true) this.err.write('\r\u001b[2K');
  }
}
