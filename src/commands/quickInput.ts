import * as vscode from 'vscode';

/** What one step of a multi-step input returns: the value, a step back, or a cancel. */
export type StepResult = { value: string } | 'back' | undefined;

/** What a step's validator says about the current value. */
export interface StepCheck {
  ok: boolean;
  /** Shown under the input: the error, or (when ok) a preview such as the next fire times. */
  message?: string;
  /** Accepted, but the message says something is probably not meant: shown as a warning. */
  warning?: boolean;
}

export interface TextStep {
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  value?: string;
  placeholder?: string;
  validate: (value: string) => StepCheck;
}

/**
 * One input box of a multi-step quick input: the back button returns 'back', Escape returns
 * undefined, Enter returns the value when the validator accepts it. The validator's message
 * updates as the user types.
 */
export function askText(options: TextStep): Promise<StepResult> {
  const input = vscode.window.createInputBox();
  input.title = options.title;
  // A single box (an edit of one value) shows no "1/1".
  if (options.totalSteps > 1) {
    input.step = options.step;
    input.totalSteps = options.totalSteps;
  }
  input.prompt = options.prompt;
  input.value = options.value ?? '';
  input.placeholder = options.placeholder;
  input.ignoreFocusOut = true;
  if (options.step > 1) input.buttons = [vscode.QuickInputButtons.Back];
  const show = (value: string, untouched = false): StepCheck => {
    const check = options.validate(value);
    // An empty box the user has not typed in yet gets the prompt, not an error.
    const quiet = untouched && !check.ok && value === '';
    input.validationMessage =
      check.message && !quiet
        ? {
            message: check.message,
            severity: !check.ok
              ? vscode.InputBoxValidationSeverity.Error
              : check.warning
                ? vscode.InputBoxValidationSeverity.Warning
                : vscode.InputBoxValidationSeverity.Info,
          }
        : undefined;
    return check;
  };
  show(input.value, true);
  return new Promise<StepResult>((resolve) => {
    const disposables: vscode.Disposable[] = [];
    const finish = (result: StepResult) => {
      for (const d of disposables) d.dispose();
      input.dispose();
      resolve(result);
    };
    disposables.push(
      input.onDidChangeValue((value) => show(value)),
      input.onDidAccept(() => {
        if (show(input.value).ok) finish({ value: input.value.trim() });
      }),
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish('back');
      }),
      input.onDidHide(() => finish(undefined)),
    );
    input.show();
  });
}

/** One choice of a quick pick step. */
export interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

export interface PickStep<T> {
  title: string;
  step?: number;
  totalSteps?: number;
  placeholder: string;
  items: readonly Choice<T>[];
  /** The item selected when the pick opens (the current or default value). */
  active?: T;
  /** Whether typed text is matched against descriptions and details too. */
  matchOnDescription?: boolean;
}

/**
 * One quick pick of a multi-step input: resolves with the chosen value, 'back' (the back button,
 * from step 2 on) or undefined (Escape).
 */
export function pickOne<T>(options: PickStep<T>): Promise<{ value: T } | 'back' | undefined> {
  const pick = vscode.window.createQuickPick<Choice<T>>();
  pick.title = options.title;
  pick.step = options.step;
  pick.totalSteps = options.totalSteps;
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  pick.matchOnDescription = options.matchOnDescription ?? true;
  pick.ignoreFocusOut = true;
  const active = options.items.find((item) => options.active !== undefined && item.value === options.active);
  if (active) pick.activeItems = [active];
  if ((options.step ?? 1) > 1) pick.buttons = [vscode.QuickInputButtons.Back];
  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [];
    const finish = (result: { value: T } | 'back' | undefined) => {
      for (const d of disposables) d.dispose();
      pick.dispose();
      resolve(result);
    };
    disposables.push(
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
        if (chosen) finish({ value: chosen.value });
      }),
      pick.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish('back');
      }),
      pick.onDidHide(() => finish(undefined)),
    );
    pick.show();
  });
}
