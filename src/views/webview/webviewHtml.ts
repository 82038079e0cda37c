// The HTML shell of a Night Pilot webview: a strict Content Security Policy (nothing remote, no
// inline script or style; scripts only with this page's nonce), the bundled script and styles
// from the extension's own folders, and theme colours left to the `--vscode-*` variables.

import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  webview: vscode.Webview;
  extensionUri: vscode.Uri;
  title: string;
  /** The bundled script, relative to the extension folder (e.g. `dist/media/usageDashboard.js`). */
  script: string;
  /** Style sheets, relative to the extension folder. */
  styles: readonly string[];
  /** The codicon style sheet, for `@vscode-elements/elements` icons (found by its element id). */
  codicons?: string;
  /**
   * Data for the page's first paint, as JSON in a `<script type="application/json">` element with
   * this id (data, not code: the CSP's script-src does not apply, and the page reads its text).
   */
  initial?: { id: string; value: unknown };
}

/** The folders a Night Pilot webview may load from: the bundled media only. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'media'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** A fresh nonce per render: 128 random bits. */
export function makeNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

export function webviewHtml(page: WebviewPage): string {
  const nonce = makeNonce();
  const src = (file: string) =>
    page.webview.asWebviewUri(vscode.Uri.joinPath(page.extensionUri, ...file.split('/')));
  const csp = [
    "default-src 'none'",
    `img-src ${page.webview.cspSource} data:`,
    `style-src ${page.webview.cspSource}`,
    `font-src ${page.webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = page.styles.map((s) => `<link rel="stylesheet" href="${String(src(s))}">`);
  if (page.codicons) {
    links.unshift(
      `<link rel="stylesheet" href="${String(src(page.codicons))}" id="vscode-codicon-stylesheet">`,
    );
  }
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links.join('\n')}
<title>${escapeText(page.title)}</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
${page.initial ? `<script type="application/json" id="${escapeAttr(page.initial.id)}">${jsonForScript(page.initial.value)}</script>\n` : ''}<script nonce="${nonce}" src="${String(src(page.script))}"></script>
</body>
</html>`;
}

/**
 * JSON that cannot end its script element: every `<` is written as `\u003c`, so no `</script>`
 * or `<!--` in a string (a job name, a model) can reach the HTML parser.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeAttr(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
