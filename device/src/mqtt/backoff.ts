// Reconnect delays: exponential steps capped at maxMs, with jitter so that many devices restarted together (a broker
// or Wi-Fi outage) do not reconnect in lockstep. "Equal jitter" rather than full jitter: the delay is never below half
// the step, so a run of failures can never turn into a tight reconnect loop.

export interface BackoffOptions {
  /** First step in ms. Default 1000. */
  initialMs: number;
  /** Largest step in ms; refused connections (bad credentials) always wait this long. Default 60000. */
  maxMs: number;
}

/** The exponential step for the 0-based attempt: initialMs · 2^attempt, capped at maxMs (no Math.pow, §1.4). */
export function backoffStep(attempt: number, o: BackoffOptions): number {
  let step = o.initialMs;
  for (let i = 0; i < attempt && step < o.maxMs; i++) step *= 2;
  return Math.min(step, o.maxMs);
}

/** Delay before reconnect attempt `attempt`, in [step/2, step). `random` gives [0, 1). */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number): number {
  const step = backoffStep(attempt, o);
  let r = random();
  if (!(r >= 0 && r < 1)) r = 0.5;
  return Math.floor(step / 2 + (r * step) / 2);
}
