// A chart of the managers' dashboard, drawn by Chart.js from a ChartSpec
// (stats.ts). Only the parts drawn here are registered — bars, lines, the
// category and linear axes, the legend and the tooltip — so the rest of the
// library stays out of the bundle; this module is reached only through the
// dashboard's lazy chunk.
import { useEffect, useRef } from 'preact/hooks';
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { Lang } from '../i18n';
import type { ChartSpec } from '../stats';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Colours of the series in order: the stylesheet's primary, then hues far apart with at least 3:1 against white. */
const PALETTE = ['#0d4cd3', '#c2410c', '#4a5360', '#137333', '#7c3aed', '#b3261e', '#0e7490', '#8a5300', '#be185d'];

/** chartConfig turns a spec into Chart.js's configuration: no animation, numbers on the axis and in tooltips in the language's way. */
export function chartConfig(spec: ChartSpec, lang: Lang): ChartConfiguration<'bar' | 'line'> {
  const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
  const fmt = new Intl.NumberFormat(locale, spec.axis === 'share'
    ? { style: 'percent', maximumFractionDigits: 0 }
    : { maximumFractionDigits: spec.axis === 'days' ? 1 : 0 });
  const value = spec.horizontal ? 'x' : 'y';
  const stacked = spec.series.some((s) => s.stack);
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => ({
        type: s.type,
        label: s.label,
        data: s.values,
        stack: s.stack,
        backgroundColor: PALETTE[i % PALETTE.length],
        borderColor: PALETTE[i % PALETTE.length],
        borderWidth: s.type === 'line' ? 2 : 0,
        pointRadius: s.type === 'line' ? 2 : undefined,
        spanGaps: false,
      })),
    },
    options: {
      locale,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { display: spec.series.length > 1, position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${c.parsed[value] === null ? '—' : fmt.format(c.parsed[value] as number)}` } },
      },
      scales: {
        [value]: {
          beginAtZero: true, stacked,
          ...(spec.axis === 'share' ? { suggestedMax: 1 } : {}),
          ticks: { precision: spec.axis === 'int' ? 0 : undefined, callback: (v: string | number) => fmt.format(Number(v)) },
        },
        [spec.horizontal ? 'y' : 'x']: { stacked, ticks: { autoSkip: true, maxRotation: 0 } },
      },
    },
  };
}

/**
 * StatsChart draws spec on a canvas named for assistive technology (role
 * img, label: what it shows and that the table under it has the numbers);
 * the canvas is redrawn when the spec or the language changes.
 */
export function StatsChart({ spec, lang, label, testid }: { spec: ChartSpec; lang: Lang; label: string; testid: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, chartConfig(spec, lang));
    return () => chart.destroy();
  }, [spec, lang]);
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testid}>{label}</canvas>
    </div>
  );
}
