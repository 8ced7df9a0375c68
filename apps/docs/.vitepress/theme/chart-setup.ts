// Chart.js is bundled with the site (no CDN); loaded on the client only.
export async function loadChart() {
  const { Chart, registerables } = await import('chart.js');
  Chart.register(...registerables);
  const dark = document.documentElement.classList.contains('dark');
  Chart.defaults.color = dark ? '#ddd' : '#333';
  Chart.defaults.borderColor = dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.1)';
  Chart.defaults.font.family = 'system-ui, sans-serif';
  return Chart;
}

export const PALETTE = ['#3e7bfa', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#1098ad', '#c2255c', '#5c940d', '#364fc7', '#862e9c'];
