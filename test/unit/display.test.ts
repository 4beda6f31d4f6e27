/**
 * Control characters are shown, never interpreted: the display functions (names, one-line texts,
 * multi-line texts, JSON) and the renderers that use them (human plan in colour, Markdown plan,
 * tables), with reasons and messages that hold an ANSI sequence, a lone CR, DEL or a C1 control.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/io.js';
import { toJsonText } from '../../src/cli/json.js';
import { renderPlanMarkdown } from '../../src/cli/render-markdown.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { renderTable } from '../../src/cli/render-table.js';
import { displayLines, displayText } from '../../src/model/display.js';
import type { Plan } from '../../src/model/plan.js';
import { displayIdent } from '../../src/model/refs.js';

/** Every control character but the line feed. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

class Sink extends Writable {
  text = '';
  readonly isTTY = true;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ERASE = 'x\u001b[1A\u001b[2K';

function hostilePlan(): Plan {
  return {
    formatVersion: 1,
    generatedAt: '2026-11-27T10:30:00.000Z',
    configFile: '/work/demo/checkpoints.yaml',
    configHash: '',
    targets: [
      {
        target: 'demo',
        connection: 'local',
        location: 'DEMO',
        steps: [
          {
            target: 'demo',
            group: 'after-demo',
            kind: 'drop-object',
            object: { name: ERASE, kind: 'TABLE' },
            created: '2026-11-27T10:00:00.000Z',
            cause: 'created-after-checkpoint',
            reason: `created\rafter | baseline ${ERASE}`,
          },
        ],
        findings: [
          {
            target: 'demo',
            severity: 'warning',
            code: 'ACTION_FAILED_BEFORE',
            message: `failed before:\r| fake | row |\u009b2K`,
            actionId: 'after-demo',
            object: null,
            position: null,
          },
        ],
      },
    ],
  };
}

describe('display of untrusted text', () => {
  it('names: every control character escaped, the name still quoted', () => {
    expect(displayIdent(ERASE)).toBe('"x\\u001b[1A\\u001b[2K"');
    expect(displayIdent('a\rb\nc\td\u007fe\u0085f')).toBe('"a\\rb\\nc\\td\\u007fe\\u0085f"');
    expect(displayIdent('ORDERS')).toBe('ORDERS');
  });

  it('one line, several lines, JSON', () => {
    expect(displayText('a\r\nb\u009b')).toBe('a\\r\\nb\\u009b');
    expect(displayLines('a\r\nb\tc\u001b')).toBe('a\\r\nb\tc\\u001b');
    const json = toJsonText({ name: 'a\u001b\u007f\u009b' });
    expect(RAW_CONTROL.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual({ name: 'a\u001b\u007f\u009b' });
  });

  it('the human plan in colour keeps its own colours and escapes the rest', () => {
    const sink = new Sink();
    const out = new Output(sink, new Sink(), { colour: true });
    out.data(renderPlan(hostilePlan(), out));
    const withoutPaint = sink.text.replace(/\u001b\[(?:0|1|2|31|32|33|36)m/g, '');
    expect(RAW_CONTROL.test(withoutPaint)).toBe(false);
    expect(sink.text).toContain('\u001b[31m (destructive)\u001b[0m');
    const dropLine = withoutPaint.split('\n').find((line) => line.includes('drop table'));
    expect(dropLine).toContain('drop table DEMO."x\\u001b[1A\\u001b[2K" [after-demo] (destructive)  # created\\rafter');
  });

  it('the Markdown plan: one row per step, one item per finding, no raw control', () => {
    const markdown = renderPlanMarkdown(hostilePlan());
    expect(RAW_CONTROL.test(markdown)).toBe(false);
    const row = markdown.split('\n').find((line) => line.startsWith('| `-` |'));
    expect(row).toMatch(
      /^\| `-` \| \*\*drop table DEMO\."x\\\\u001b\\\[1A\\\\u001b\\\[2K"\*\* .* \| `after-demo` \| +\| created after \\\| baseline .* \|$/,
    );
    expect(markdown).toContain('failed before: \\| fake \\| row \\|\\\\u009b2K');
  });

  it('tables: a cell with a line break stays on its row', () => {
    const table = renderTable(['ID', 'DESCRIPTION'], [['a', 'one\ntwo\r\u001b[2J']]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toBe('a   one\\ntwo\\r\\u001b[2J');
  });
});
