// tfjs-backend-cpu greets every Node process with advice to install tfjs-node; the CLI's output
// is for people and scripts, so that one message is dropped. Other warnings pass through.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('looks like you are running TensorFlow.js in Node.js')) return;
  warn(...args);
};
