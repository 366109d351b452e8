import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import type { ReportChart } from './report-table';

const COLORS = ['blue.6', 'teal.6', 'grape.6', 'orange.6'];

/** A report's bar chart: its own chunk (the charting library is most of the dashboard's weight), loaded after the tables. */
export default function ReportBarChart({ chart }: { chart: ReportChart }) {
  return (
    <BarChart
      h={200}
      data={chart.data}
      dataKey={chart.dataKey}
      series={chart.series.map((series, index) => ({ ...series, color: COLORS[index % COLORS.length]! }))}
    />
  );
}
