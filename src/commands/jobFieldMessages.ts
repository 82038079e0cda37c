// The job validator's problems (src/core/jobValidation.ts) in the user's language, for the input
// boxes of Create Job and Edit Job. The rules are the CLI's; only the words are VS Code's.
import * as vscode from 'vscode';
import type { Checked, NameProblem, ValueProblem } from '../core/jobValidation';
import { checkJobName } from '../core/jobValidation';
import type { StepCheck } from './quickInput';

/** The job-name rules of src/core, worded for an input box. */
export function nameMessage(p: NameProblem): string {
  switch (p.problem) {
    case 'empty':
      return vscode.l10n.t('Give the job a name, e.g. "Nightly review".');
    case 'control':
      return vscode.l10n.t('Keep the name on one line, without tabs or other control characters.');
    case 'tooLong':
      return vscode.l10n.t('The name is {0} characters long; keep it to {1}.', p.length, p.max);
  }
}

/** A typed value's problem, worded for an input box. */
export function valueMessage(p: ValueProblem): string {
  switch (p.problem) {
    case 'notWhole':
      return vscode.l10n.t('Type a whole number from {0} to {1}.', p.min, p.max);
    case 'notSeconds':
      return vscode.l10n.t('Type a number of seconds, 0 or more (e.g. 30 or 1.5).');
    case 'notDollars':
      return vscode.l10n.t('Type an amount of US dollars above 0 (e.g. 5 or 2.50).');
    case 'notOneOf':
      return vscode.l10n.t('Choose one of {0}.', p.allowed.join(', '));
    case 'modelName':
      return vscode.l10n.t('Type one model name or alias, without spaces, e.g. sonnet or claude-sonnet-4-5.');
    case 'toolRules':
      return vscode.l10n.t(
        'These are not tool rules ({0}). Separate rules with commas, e.g. Read, Bash(git log:*).',
        p.detail,
      );
    case 'envEntry':
      return vscode.l10n.t('Write the variable as NAME=value.');
    case 'envName':
      return vscode.l10n.t(
        '"{0}" cannot be a variable name: use letters, digits and _, not starting with a digit.',
        p.name,
      );
    case 'branchName':
      return vscode.l10n.t(
        'This is not a git branch name: no spaces, none of ~ ^ : ? * [ \\, no "..", no part starting with ".".',
      );
  }
}

/** An input box's check from a parser of src/core; `empty` is what an empty box means. */
export function stepCheck<T>(raw: string, parse: (raw: string) => Checked<T>, empty?: string): StepCheck {
  if (raw.trim() === '' && empty !== undefined) return { ok: true, message: empty };
  const result = parse(raw);
  return result.ok ? { ok: true } : { ok: false, message: valueMessage(result) };
}

export function checkName(value: string): StepCheck {
  const check = checkJobName(value);
  return check.ok ? { ok: true } : { ok: false, message: nameMessage(check) };
}
