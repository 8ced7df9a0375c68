import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import Benchmark from './Benchmark.vue';
import ComparisonCharts from './ComparisonCharts.vue';
import ComparisonTable from './ComparisonTable.vue';
import StageChart from './StageChart.vue';
import './style.css';
import './charts.css';
import './tables.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ComparisonTable', ComparisonTable);
    app.component('ComparisonCharts', ComparisonCharts);
    app.component('StageChart', StageChart);
    app.component('Benchmark', Benchmark);
  },
} satisfies Theme;
