// Whether a queued run may start now, beyond concurrency and the usage-limit hold: the budgets
// (per job and overall, per local day and month) and smart start (the active 5-hour block's
// projection, the minutes left before it resets). The queue asks before it starts a run; a run
// held here stays queued with `resume_at` at the moment the hold ends and `wait_reason` saying
// why, so the tree, `run show` and the status bar can tell the user.

import { localDayBounds, localDayFormatter, localMonthBounds } from '../core/calendar';
import type { Job } from '../core/model';
import type { Tx } from '../storage/database';
import { readBudgets } from './budgetState';

/** What the active 5-hour block looks like (from Claude Code's transcripts), when there is one. */
export interface ActiveBlockSnapshot {
  /** When the block resets. */
  endTime: string;
  costUsd: number;
  /** The block's projected cost at its end, at the current burn rate; null when unknown. */
  projectedCostUsd: number | null;
}

export interface SmartStartSettings {
  /** Do not start a run when the active block's projected cost exceeds this (USD); null: off. */
  maxProjectedCostUsd: number | null;
  /** Do not start a run when fewer minutes than this remain before the block resets; null: off. */
  minMinutesBeforeReset: number | null;
}

export const SMART_START_OFF: SmartStartSettings = { maxProjectedCostUsd: null, minMinutesBeforeReset: null };

export interface GateContext {
  now: Date;
  /** The zone whose local days and months the budgets follow. */
  timeZone: string;
  smartStart: SmartStartSettings;
  /** The active block; null when there is none, undefined when it could not be read. */
  block: ActiveBlockSnapshot | null | undefined;
}

export type GateDecision = { start: true } | { start: false; until: Date; reason: string };

const money = (n: number) => `$${n.toFixed(2)}`;

/** Inside the write lock: may `job`'s run start now? The first reason that holds it wins. */
export function checkStartGate(tx: Tx, job: Job, ctx: GateContext): GateDecision {
  const { now, timeZone } = ctx;
  const day = localDayBounds(now, timeZone);
  const month = localMonthBounds(now, timeZone);
  const dayOf = localDayFormatter(timeZone);
  const spent = (from: Date, jobId?: string) =>
    tx.usage.spendSince(from.toISOString(), dayOf(from.getTime()), jobId);

  const overall = readBudgets(tx);
  if (overall.dailyUsd !== null && spent(day.start) >= overall.dailyUsd) {
    return hold(
      day.end,
      `the daily budget of ${money(overall.dailyUsd)} over all jobs is spent (${money(spent(day.start))} today)`,
    );
  }
  if (overall.monthlyUsd !== null && spent(month.start) >= overall.monthlyUsd) {
    return hold(
      month.end,
      `the monthly budget of ${money(overall.monthlyUsd)} over all jobs is spent (${money(spent(month.start))} this month)`,
    );
  }
  const o = job.options;
  if (o.dailyBudgetUsd !== null && spent(day.start, job.id) >= o.dailyBudgetUsd) {
    return hold(
      day.end,
      `the job's daily budget of ${money(o.dailyBudgetUsd)} is spent (${money(spent(day.start, job.id))} today)`,
    );
  }
  if (o.monthlyBudgetUsd !== null && spent(month.start, job.id) >= o.monthlyBudgetUsd) {
    return hold(
      month.end,
      `the job's monthly budget of ${money(o.monthlyBudgetUsd)} is spent (${money(spent(month.start, job.id))} this month)`,
    );
  }

  const { block, smartStart } = ctx;
  if (block) {
    const end = new Date(block.endTime);
    const minutesLeft = (end.getTime() - now.getTime()) / 60_000;
    if (
      smartStart.minMinutesBeforeReset !== null &&
      minutesLeft > 0 &&
      minutesLeft < smartStart.minMinutesBeforeReset
    ) {
      return hold(
        end,
        `smart start: only ${Math.ceil(minutesLeft)} min remain before the 5-hour block resets (at least ${smartStart.minMinutesBeforeReset} wanted)`,
      );
    }
    if (
      smartStart.maxProjectedCostUsd !== null &&
      block.projectedCostUsd !== null &&
      block.projectedCostUsd > smartStart.maxProjectedCostUsd
    ) {
      return hold(
        end,
        `smart start: the 5-hour block is projected at ${money(block.projectedCostUsd)}, above ${money(smartStart.maxProjectedCostUsd)}`,
      );
    }
  }
  return { start: true };
}

function hold(until: Date, reason: string): GateDecision {
  return { start: false, until, reason: `Waiting: ${reason}.` };
}
