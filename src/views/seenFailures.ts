// "Failures since you last looked": when the user last saw the Jobs view. Looking is the view
// becoming visible, or the window getting the focus while the view is visible, or a click on the
// status bar item (which shows the view). Kept in globalState, so it survives a reload.
import * as vscode from 'vscode';

const KEY = 'nightPilot.failuresSeenAt';

export class SeenFailures implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  /** Fires when the user has looked (the count of unseen failures drops to 0). */
  readonly onDidChange = this._onDidChange.event;
  private readonly _disposables: vscode.Disposable[] = [];

  constructor(
    private readonly _state: vscode.Memento,
    private readonly _now: () => Date = () => new Date(),
  ) {}

  /** Failures that ended after this instant are unseen. The first start counts from now. */
  get seenAt(): string {
    const stored = this._state.get<string>(KEY);
    if (stored) return stored;
    const now = this._now().toISOString();
    void this._state.update(KEY, now);
    return now;
  }

  /** Follows the view: when it shows (and the window has the focus), the failures are seen. */
  watch(view: vscode.TreeView<unknown>): void {
    const look = () => {
      if (view.visible && vscode.window.state.focused) void this.markSeen();
    };
    this._disposables.push(view.onDidChangeVisibility(look), vscode.window.onDidChangeWindowState(look));
  }

  async markSeen(): Promise<void> {
    await this._state.update(KEY, this._now().toISOString());
    this._onDidChange.fire();
  }

  dispose(): void {
    for (const d of this._disposables) d.dispose();
    this._onDidChange.dispose();
  }
}
