// tfjs-backend-cpu greets every Node process with an advice to install tfjs-node, which cannot
// be installed here; drop that one message so test output shows what matters.
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
  warn(...args);
};
