// The floor of the dashboard bench: the same path as "Night Pilot: Open Usage Dashboard" (a
// command, a webview panel, HTML with a strict CSP and a nonce, a script file from the extension
// folder, the page's `ready`, the host's answer, the page drawing it) with nothing of ours in it.
const crypto = require('node:crypto');
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('nightPilotBench.openBlankWebview', () => {
      const panel = vscode.window.createWebviewPanel(
        'nightPilotBench.blank',
        'Blank',
        vscode.ViewColumn.Active,
        { enableScripts: true, localResourceRoots: [context.extensionUri] },
      );
      const nonce = crypto.randomBytes(16).toString('base64');
      const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'page.js'));
      panel.webview.onDidReceiveMessage((message) => {
        if (message.type === 'ready') void panel.webview.postMessage({ type: 'data' });
      });
      panel.webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'">
<title>Blank</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
<script nonce="${nonce}" src="${String(script)}"></script>
</body>
</html>`;
    }),
  );
};
