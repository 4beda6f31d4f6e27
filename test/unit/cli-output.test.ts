/**
 * What a command writes for people: colour on a terminal or with FORCE_COLOR, never with
 * FORCE_COLOR=0, NO_COLOR or --no-color; and its log lines as `warning: ...` text, or JSON lines
 * with CKPT_LOG_FORMAT=json.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/io.js';
import { createCommandLogger } from '../../src/cli/logger.js';
import { Sink } from '../support/sink.js';

const VARIABLES = ['NO_COLOR', 'FORCE_COLOR', 'CKPT_LOG_LEVEL', 'CKPT_LOG_FORMAT'] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

/** Sets (or, for undefined, unsets) the variables a case is about; the rest are unset. */
function environment(values: Partial<Record<(typeof VARIABLES)[number], string>>): void {
  for (const name of VARIABLES) {
    const value = values[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function colourOf(tty: boolean, values: Partial<Record<(typeof VARIABLES)[number], string>>, noColorFlag = false): boolean {
  environment(values);
  return new Output(new Sink(tty), new Sink(tty), { colour: !noColorFlag }).colour;
}

describe('colour', () => {
  it('on a terminal, not off one, unless FORCE_COLOR says', () => {
    expect(colourOf(true, {})).toBe(true);
    expect(colourOf(false, {})).toBe(false);
    for (const value of ['1', '2', '3', 'true', '']) expect(colourOf(false, { FORCE_COLOR: value }), value).toBe(true);
    for (const value of ['0', 'false', 'no']) expect(colourOf(true, { FORCE_COLOR: value }), value).toBe(false);
  });

  it('never with NO_COLOR or --no-color, whatever FORCE_COLOR says', () => {
    expect(colourOf(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourOf(false, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colourOf(false, { FORCE_COLOR: '3' }, true)).toBe(false);
    expect(colourOf(true, { NO_COLOR: '' })).toBe(true);
  });
});

describe("a command's log lines", () => {
  function logged(values: Partial<Record<(typeof VARIABLES)[number], string>>, tty = false): string {
    environment(values);
    const err = new Sink(tty);
    const logger = createCommandLogger(new Output(new Sink(tty), err));
    logger.info('connected', { target: 'demo' });
    logger.warn('the embedded warehouse is in use\u001b[2J; waiting', { target: 'demo', note: 'two words' });
    logger.error('step failed', { step: 'drop-object' });
    return err.text;
  }

  it('are plain text at warn and above by default, control characters shown escaped', () => {
    expect(logged({})).toBe(
      'warning: the embedded warehouse is in use\\u001b[2J; waiting target=demo note="two words"\nerror: step failed step=drop-object\n',
    );
    expect(logged({ CKPT_LOG_LEVEL: 'info' })).toMatch(/^info: connected target=demo\nwarning: /);
  });

  it('have a coloured label when colour is on', () => {
    expect(logged({}, true)).toMatch(/^\u001b\[33mwarning\u001b\[0m: the embedded warehouse/);
  });

  it('name a clear error for a CKPT_LOG_FORMAT that is neither text nor json', () => {
    environment({ CKPT_LOG_FORMAT: 'yaml' });
    expect(() => createCommandLogger(new Output(new Sink(false), new Sink(false)))).toThrow(
      'CKPT_LOG_FORMAT is "yaml"; it takes one of text, json',
    );
  });
});
