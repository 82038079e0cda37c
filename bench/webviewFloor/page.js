// The floor's page: says `ready` at once and draws one line when the host answers, recording the
// same timings as the dashboard's page (relative to its navigation).
/* global acquireVsCodeApi, document, performance, window */
const scriptStart = performance.now();
const vscode = acquireVsCodeApi();
const app = document.getElementById('app');
window.addEventListener('message', (event) => {
  if (event.data.type !== 'data') return;
  const dataReceived = performance.now();
  app.textContent = 'A blank page';
  app.setAttribute('aria-busy', 'false');
  app.dataset.timings = JSON.stringify({
    scriptStart: Math.round(scriptStart),
    dataReceived: Math.round(dataReceived),
    rendered: Math.round(performance.now()),
  });
});
vscode.postMessage({ type: 'ready' });
