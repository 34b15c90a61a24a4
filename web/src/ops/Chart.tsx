// Charts for the staff screens (ops dashboard, insights), drawn by Chart.js (canvas). Only this chunk
// imports it, and only those lazy screens import this, so the board never downloads it. Each chart
// is an image with a text summary for screen readers, and its figures are also shown as text next to it.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'react';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

/**
 * The series colours (--chart-1 … --chart-6 in styles.css, each at least 3:1 against the theme's
 * surface: WCAG non-text contrast), told apart by dash too. Read when a chart is drawn, so a
 * canvas follows the theme as the page's text does.
 */
const themeColour = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const palette = () => [1, 2, 3, 4, 5, 6].map((n) => themeColour(`--chart-${n}`));
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

/** A horizontal bar chart's height for this many categories. */
export const barsHeight = (n: number) => 70 + n * 34;

export interface Series {
  label: string;
  data: (number | null)[];
  /** Drawn as a dashed reference line (a target or threshold), not a measurement. */
  reference?: boolean;
}

interface Props {
  type: 'line' | 'bar';
  labels: string[];
  series: Series[];
  /** What the chart shows, read out instead of the picture. */
  summary: string;
  /** The value axis' title (vertical for lines, horizontal for bars). */
  yTitle?: string;
  yMax?: number;
  stacked?: boolean;
  height?: number;
}

function config({ type, labels, series, yTitle, yMax, stacked }: Props): ChartConfiguration {
  // Lines run over time, left to right; bars are horizontal so every category's name is readable.
  const timeAxis = type === 'line';
  const [colours, muted, ink, reference] = [palette(), themeColour('--muted'), themeColour('--ink'), themeColour('--error')];
  const categoryAxis = {
    stacked,
    ticks: { color: muted, maxRotation: 0, autoSkip: timeAxis, maxTicksLimit: timeAxis ? 6 : undefined },
    grid: { display: false },
  };
  const valueAxis = {
    stacked,
    beginAtZero: true,
    suggestedMax: yMax,
    grace: '10%',
    ticks: { color: muted, precision: type === 'bar' ? 0 : undefined },
    title: yTitle ? { display: true, text: yTitle, color: muted } : undefined,
  };
  return {
    type,
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: s.reference ? reference : colours[i % colours.length],
        backgroundColor: s.reference ? reference : colours[i % colours.length],
        borderDash: s.reference ? [8, 4] : type === 'line' ? DASHES[i % DASHES.length] : [],
        borderWidth: 2,
        // Points while there are few readings (one reading is no line), a plain line after.
        pointRadius: timeAxis ? (labels.length < 30 && !s.reference ? 3 : 0) : undefined,
        spanGaps: true,
      })),
    },
    options: {
      // Live data every 10 seconds: no animation (and nothing moving for people who turned motion off).
      animation: false,
      indexAxis: timeAxis ? 'x' : 'y',
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { color: ink, boxWidth: 14 } } },
      scales: timeAxis ? { x: categoryAxis, y: valueAxis } : { x: valueAxis, y: categoryAxis },
    },
  };
}

export function LiveChart(props: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, config(props));
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Created once, from the first figures; the effect below feeds it the new ones.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const next = config(props);
    c.data = next.data;
    c.update('none');
  });

  const points = props.series.reduce((n, s) => n + s.data.filter((v) => v !== null).length, 0);
  return (
    <div className="chart" style={{ height: props.height ?? 220 }}>
      <canvas ref={canvas} role="img" aria-label={props.summary} data-points={points}>
        {props.summary}
      </canvas>
    </div>
  );
}
