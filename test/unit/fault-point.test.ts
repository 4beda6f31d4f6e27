/**
 * The crash tests' fault point (src/cli/fault-point.ts): what CKPT_FAULT_KILL_AT takes, and that
 * unset it leaves the progress listener as it was. (The kill itself is exercised end to end by
 * test/e2e/crash-suite.ts: it would end this process.)
 */
import { describe, expect, it } from 'vitest';
import { faultPoint, withFaultPoint } from '../../src/cli/fault-point.js';
import { CkptError } from '../../src/model/errors.js';
import type { ProgressListener } from '../../src/apply/apply.js';

describe('CKPT_FAULT_KILL_AT', () => {
  it.each([
    ['0:started', { step: 0, phase: 'started' }],
    ['7:ran', { step: 7, phase: 'ran' }],
    ['12:ran', { step: 12, phase: 'ran' }],
  ])('%s names step and phase', (text, point) => {
    expect(faultPoint(text)).toEqual(point);
  });

  it.each([[undefined], ['']])('%j is no fault point', (text) => {
    expect(faultPoint(text)).toBeUndefined();
  });

  it.each(['7', 'ran:7', '7:finished', '-1:ran', ' 7:ran', '7:ran '])('%j is refused with the variable named', (text) => {
    const error = (() => {
      try {
        faultPoint(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CkptError);
    expect((error as CkptError).code).toBe('CONFIG_INVALID');
    expect((error as CkptError).message).toContain('CKPT_FAULT_KILL_AT');
  });

  it('leaves the listener itself when unset', () => {
    const listener: ProgressListener = () => undefined;
    expect(withFaultPoint(listener, { targets: [] } as never, {})).toBe(listener);
  });
});
