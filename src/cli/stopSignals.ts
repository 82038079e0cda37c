// Ctrl-C and `kill` for the commands that run jobs: instead of dying at once (which would leave
// Claude and the phase commands running in their own process groups, and the run `running`
// until another scheduler finds it stale), the process stops its runs cleanly and then exits.

/** The signals that ask a command that runs jobs to stop. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * Calls `handler` on SIGINT and SIGTERM instead of letting them end the process, until the
 * returned function is called. `count` is how many such signals arrived so far (1 the first
 * time), so a repeated Ctrl-C can be answered with "still stopping".
 */
export function onStopSignal(handler: (signal: StopSignal, count: number) => void): () => void {
  let count = 0;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => handler(signal, ++count);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
