// Latency and fault rules for benchmarks and fault tests. Patterns match a statement's SQL text
// (query requests) or the request path (login, heartbeat, ...); a fault fires `times` times
// (default: every time) and latency rules add up.

/** Adds delay: perRequestMs per matching HTTP request, perStatementMs per matching executed statement. */
export interface LatencyRule {
  pattern?: RegExp;
  perRequestMs?: number;
  perStatementMs?: number;
}

/** What an injected fault does. */
export type FaultKind = 'http-503' | 'http-429' | 'reset' | 'sql-error';

/** A fault for statements (or request paths) matching `pattern`. */
export interface FaultRule {
  pattern: RegExp;
  times?: number;
  kind: FaultKind;
  code?: string;
  message?: string;
}

function matches(pattern: RegExp | undefined, text: string): boolean {
  if (!pattern) return true;
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** The active rules of one server. */
export class Injections {
  private latency: LatencyRule[] = [];
  private faults: Array<FaultRule & { remaining: number }> = [];

  addLatency(rule: LatencyRule): void {
    this.latency.push(rule);
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? Infinity });
  }

  clear(): void {
    this.latency = [];
    this.faults = [];
  }

  /** Delay for one HTTP request whose SQL text (or path) is `text`. */
  requestDelay(text: string): number {
    return this.latency.reduce((ms, r) => ms + (r.perRequestMs && matches(r.pattern, text) ? r.perRequestMs : 0), 0);
  }

  /** Delay for one executed statement. */
  statementDelay(sql: string): number {
    return this.latency.reduce((ms, r) => ms + (r.perStatementMs && matches(r.pattern, sql) ? r.perStatementMs : 0), 0);
  }

  /** Consumes and returns the first live fault of the given kinds matching `text`. */
  take(text: string, kinds: FaultKind[]): FaultRule | undefined {
    const rule = this.faults.find((f) => f.remaining > 0 && kinds.includes(f.kind) && matches(f.pattern, text));
    if (rule) rule.remaining--;
    return rule;
  }
}

/** Resolves after `ms` milliseconds (immediately for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
