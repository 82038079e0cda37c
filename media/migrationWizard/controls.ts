// The wizard page's building blocks: DOM nodes, and VS Code's own controls from
// @vscode-elements/elements (buttons, radio groups, collapsibles, a progress bar, badges, codicons),
// which take their colours from the theme's --vscode-* variables like the workbench does. Text
// from the legacy database is only ever set as textContent.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';

export interface Props {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A VS Code button: primary, or secondary; an optional codicon before the label. */
export function button(
  label: string,
  onClick: () => void,
  options: { primary?: boolean; id?: string; icon?: string; disabled?: boolean } = {},
): HTMLElementTagNameMap['vscode-button'] {
  const b = el('vscode-button', { text: label, attrs: options.id ? { id: options.id } : {} });
  b.secondary = options.primary !== true;
  if (options.icon) b.icon = options.icon;
  b.disabled = options.disabled === true;
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

/** A codicon (from the codicon font the page loads). */
export function icon(name: string, label?: string): HTMLElementTagNameMap['vscode-icon'] {
  const i = el('vscode-icon', { attrs: label ? { label } : {} });
  i.name = name;
  return i;
}

export interface Choice {
  value: string;
  /** The option's content: its label, or richer nodes (a path with its details). */
  content: (Node | string)[];
}

/** A vertical group of VS Code radio buttons; `onChange` gets the value picked. */
export function radioGroup(
  name: string,
  choices: readonly Choice[],
  selected: string | null,
  onChange: (value: string) => void,
  props: Props = {},
): HTMLElementTagNameMap['vscode-radio-group'] {
  const group = el('vscode-radio-group', props);
  group.variant = 'vertical';
  for (const choice of choices) {
    // As attributes too: the page's tests find a choice by its value.
    const radio = el('vscode-radio', { attrs: { name, value: choice.value } });
    radio.checked = choice.value === selected;
    radio.append(...choice.content);
    radio.addEventListener('change', () => {
      if (radio.checked) onChange(choice.value);
    });
    group.append(radio);
  }
  return group;
}

/** A plain data table: the wizard's tables are read, not edited. */
export function table(headers: string[], rows: (string | Node)[][], className = ''): HTMLTableElement {
  const tableEl = el('table', { className });
  tableEl.append(
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
  );
  const body = el('tbody');
  for (const row of rows) {
    body.append(
      el(
        'tr',
        {},
        ...row.map((cell) => (typeof cell === 'string' ? el('td', { text: cell }) : el('td', {}, cell))),
      ),
    );
  }
  tableEl.append(body);
  return tableEl;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatTime(iso: string, language: string, zone?: string): string {
  try {
    return new Intl.DateTimeFormat(language, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(zone ? { timeZone: zone } : {}),
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}
