import { describe, expect, it } from 'vitest';
import { chartConfig } from './StatsChart';
import type { ChartSpec } from '../stats';

type Tick = (v: number) => string;

describe('chartConfig', () => {
  const share: ChartSpec = { labels: ['1 дек.', '2 дек.'], axis: 'share', series: [{ label: 'Иванова', values: [0.75, null], type: 'line' }] };
  it('reads shares as percentages on the value axis, in the language', () => {
    const ru = chartConfig(share, 'ru');
    expect(ru.options?.locale).toBe('ru-RU');
    const tick = (ru.options?.scales?.y?.ticks as { callback: Tick }).callback;
    expect(tick(0.5)).toBe('50\u00a0%');
    expect((chartConfig(share, 'en').options?.scales?.y?.ticks as { callback: Tick }).callback(0.5)).toBe('50%');
    expect(ru.data.datasets[0]).toMatchObject({ type: 'line', data: [0.75, null], spanGaps: false });
  });
  it('draws a horizontal chart along x, stacks when a series stacks, no animation', () => {
    const spec: ChartSpec = { labels: ['a', 'b'], axis: 'int', horizontal: true, series: [
      { label: 'x', values: [1, 2], type: 'bar', stack: 'c' }, { label: 'y', values: [3, 4], type: 'bar', stack: 'c' },
    ] };
    const c = chartConfig(spec, 'en');
    expect(c.options?.indexAxis).toBe('y');
    expect(c.options?.scales?.x).toMatchObject({ beginAtZero: true, stacked: true });
    expect(c.options?.scales?.y).toMatchObject({ stacked: true });
    expect(c.options?.animation).toBe(false);
    expect(c.data.datasets.map((d) => d.backgroundColor)).toEqual(['#0d4cd3', '#c2410c']);
    expect(c.options?.plugins?.legend?.display).toBe(true);
  });
});
