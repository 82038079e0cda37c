import type { Tx } from '../storage/database';

/**
 * The overall budgets, over every job: stored in the database so every VS Code window and CLI
 * scheduler holds runs at the same point. Null: no limit.
 */
export interface OverallBudgets {
  dailyUsd: number | null;
  monthlyUsd: number | null;
}

const KEY = 'budgets';

export const NO_BUDGETS: OverallBudgets = { dailyUsd: null, monthlyUsd: null };

export function readBudgets(tx: Tx): OverallBudgets {
  const text = tx.state.get(KEY);
  if (!text) return NO_BUDGETS;
  try {
    const v = JSON.parse(text) as Partial<OverallBudgets>;
    const amount = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null);
    return { dailyUsd: amount(v.dailyUsd), monthlyUsd: amount(v.monthlyUsd) };
  } catch {
    return NO_BUDGETS;
  }
}

export function writeBudgets(tx: Tx, budgets: OverallBudgets): void {
  if (budgets.dailyUsd === null && budgets.monthlyUsd === null) tx.state.delete(KEY);
  else tx.state.set(KEY, JSON.stringify(budgets));
}

/** Checks a budget amount typed by a user: a positive number of US dollars, or null to remove it. */
export function checkBudgetAmount(what: string, value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isFinite(value) || value <= 0 || value > 1_000_000) {
    throw new Error(`${what}: ${String(value)} is not an amount of US dollars between 0 and 1,000,000`);
  }
  return value;
}
