// The HTML shell of a Night Pilot webview: a strict Content-Security-Policy (nothing but our own
// bundled script, by nonce, and our own styles), the page's language, and the bundle. Shared
// plumbing for every webview; the page builds its DOM itself.
import * as crypto from 'node:crypto';
import type * as vscode from 'vscode';

export interface WebviewHtmlOptions {
  title: string;
  /** The page's language (vscode.env.language), for screen readers and fonts. */
  language: string;
  script: vscode.Uri;
  styles: readonly vscode.Uri[];
}

/** A fresh nonce for one page load. */
export function nonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webviewHtml(webview: vscode.Webview, options: WebviewHtmlOptions): string {
  const n = nonce();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  const styles = options.styles
    .map((uri) => `<link rel="stylesheet" href="${escapeAttribute(webview.asWebviewUri(uri).toString())}">`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(options.language)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeAttribute(options.title)}</title>
  </head>
  <body>
    <main id="app" aria-live="polite"></main>
    <script nonce="${n}" src="${escapeAttribute(webview.asWebviewUri(options.script).toString())}"></script>
  </body>
</html>`;
}
