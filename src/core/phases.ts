// What each recorded phase of a run was, as the Jobs view and the transcript name it. A run that
// hit a usage limit has several `execution` processes: the one the limit stopped, and the resumed
// session(s) after it; a `failed` status alone would call the limit a failure.

import type { ExecutionProcess, ProcessType } from './model';

/** How the executor's message for an execution stopped by a usage limit begins. */
export const USAGE_LIMIT_MESSAGE = 'Usage limit reached';

export type PhaseKind = ProcessType | 'resumed';

export interface PhaseView {
  readonly process: ExecutionProcess;
  /** `resumed`: an execution that continued the session after a usage limit. */
  readonly kind: PhaseKind;
  /** This execution was stopped by a usage limit (not a failure of the run). */
  readonly hitUsageLimit: boolean;
}

/** The phases of one run, in the order given (the repository lists them in running order). */
export function describePhases(processes: readonly ExecutionProcess[]): PhaseView[] {
  const executions = processes.filter((p) => p.processType === 'execution');
  return processes.map((p) => {
    if (p.processType !== 'execution') return { process: p, kind: p.processType, hitUsageLimit: false };
    const index = executions.indexOf(p);
    const resumedAfter = index < executions.length - 1;
    const limited =
      p.status === 'failed' && (resumedAfter || (p.errorMessage ?? '').startsWith(USAGE_LIMIT_MESSAGE));
    return { process: p, kind: index === 0 ? 'execution' : 'resumed', hitUsageLimit: limited };
  });
}
