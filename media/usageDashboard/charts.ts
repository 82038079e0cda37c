// The usage dashboard's three charts (Chart.js), coloured from the theme's --vscode-* variables.
// Each chart is made once and then updated in place with new data or new colours: its canvas, and
// everything around it, stays.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import type { DashboardData, DashboardStrings } from '../../src/views/webview/usageDashboardProtocol';
import { money, tokens } from './format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export type ChartTheme = ReturnType<typeof chartTheme>;

/**
 * The theme's colours, read from the variables VS Code sets on the page (once per update; before
 * the page's elements change, so that reading styles does not recalculate the new ones first).
 */
export function chartTheme() {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    foreground: v('--vscode-foreground', '#cccccc'),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    palette: [
      v('--vscode-charts-blue', '#3794ff'),
      v('--vscode-charts-orange', '#d18616'),
      v('--vscode-charts-green', '#89d185'),
      v('--vscode-charts-purple', '#b180d7'),
      v('--vscode-charts-red', '#f14c4c'),
      v('--vscode-charts-yellow', '#cca700'),
      v('--vscode-charts-foreground', '#cccccc'),
    ],
    font: v('--vscode-font-family', 'sans-serif'),
  };
}

function stacked(
  d: DashboardData,
  t: ChartTheme,
  values: (series: DashboardData['series'][number]) => number[],
  format: (n: number) => string,
): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: d.days.map((day) => day.slice(5)),
      datasets: d.series.map((series, i) => ({
        label: series.model,
        data: values(series),
        backgroundColor: t.palette[i % t.palette.length],
        borderWidth: 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: t.foreground,
      font: { family: t.font },
      scales: {
        x: {
          stacked: true,
          // The labels are dates of one width: measuring a few sizes them all (Chart.js measures
          // every label otherwise, most of a chart's first draw).
          ticks: { color: t.foreground, maxRotation: 0, autoSkip: true, sampleSize: 4 },
          grid: { color: t.grid },
        },
        y: {
          stacked: true,
          ticks: { color: t.foreground, callback: (v) => format(Number(v)) },
          grid: { color: t.grid },
        },
      },
      plugins: {
        legend: { labels: { color: t.foreground, boxWidth: 12 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${format(Number(c.raw))}` } },
      },
    },
  };
}

function perJob(d: DashboardData, t: ChartTheme, costLabel: string): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: d.costPerJob.map((j) => j.jobName),
      datasets: [
        {
          label: costLabel,
          data: d.costPerJob.map((j) => j.costUsd),
          backgroundColor: t.palette[0],
          borderWidth: 0,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { color: t.foreground, callback: (v) => money(Number(v)) }, grid: { color: t.grid } },
        y: { ticks: { color: t.foreground }, grid: { display: false } },
      },
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => money(Number(c.raw)) } } },
    },
  };
}

export interface ChartCanvases {
  cost: HTMLCanvasElement;
  tokens: HTMLCanvasElement;
  jobs: HTMLCanvasElement;
}

export class DashboardCharts {
  private readonly _charts = new Map<HTMLCanvasElement, Chart<'bar'>>();

  constructor(private readonly _canvases: ChartCanvases) {}

  /** Draws the data (again: with the theme's colours of now). */
  draw(d: DashboardData, s: DashboardStrings, t: ChartTheme): void {
    const c = this._canvases;
    this._draw(
      c.cost,
      stacked(d, t, (x) => x.cost, money),
    );
    this._draw(
      c.tokens,
      stacked(d, t, (x) => x.tokens, tokens),
    );
    this._draw(c.jobs, perJob(d, t, s.colCost));
  }

  private _draw(canvas: HTMLCanvasElement, config: ChartConfiguration<'bar'>): void {
    const chart = this._charts.get(canvas);
    if (chart) {
      chart.data = config.data;
      chart.options = config.options ?? {};
      chart.update('none');
    } else this._charts.set(canvas, new Chart(canvas, config));
    // What is drawn, readable from outside the canvas (tests, and screen readers through the label).
    canvas.dataset.labels = String(config.data.labels?.length ?? 0);
    canvas.dataset.series = config.data.datasets.map((d) => d.label ?? '').join('|');
  }
}
