import type * as tfl from '@tensorflow/tfjs-layers';
import type { Node } from '@tensorflow/tfjs-layers/dist/engine/topology.js';

/** One application of a layer in the model's graph: a layer applied twice (CBAM's MLP) is two nodes. */
export interface GraphNode {
  layer: tfl.layers.Layer;
  node: Node;
  /** Ids of the symbolic tensors it reads, in the order the layer takes them. */
  inputs: number[];
  outputs: number[];
}

export interface Graph {
  /** Nodes in an order where every node comes after the nodes it reads from. */
  nodes: GraphNode[];
  inputs: number[];
  outputs: number[];
  /** For each tensor id, the nodes that read it (a node reading it twice is listed twice). */
  consumers: Map<number, GraphNode[]>;
}

/**
 * The model's graph as tfjs-layers records it (each symbolic tensor knows the node that made it),
 * walked once, depth first from the outputs, so only what the outputs need is kept.
 */
export function readGraph(model: tfl.LayersModel): Graph {
  const nodes: GraphNode[] = [];
  const seen = new Set<Node>();
  const inputIds = new Set(model.inputs.map((t) => t.id));
  // Depth first from the outputs with an explicit stack: a node is emitted once every node it
  // reads from has been (the deepest zoo graphs would strain the call stack).
  const stack: { node: Node; expanded: boolean }[] = [];
  const push = (t: tfl.SymbolicTensor) => {
    if (inputIds.has(t.id)) return;
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!seen.has(node)) stack.push({ node, expanded: false });
  };
  for (const t of [...model.outputs].reverse()) push(t);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (seen.has(top.node)) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      for (const x of [...top.node.inputTensors].reverse()) push(x);
      continue;
    }
    stack.pop();
    seen.add(top.node);
    nodes.push({
      layer: top.node.outboundLayer as tfl.layers.Layer,
      node: top.node,
      inputs: top.node.inputTensors.map((x) => x.id),
      outputs: top.node.outputTensors.map((x) => x.id),
    });
  }
  const consumers = new Map<number, GraphNode[]>();
  for (const n of nodes) {
    for (const id of n.inputs) {
      const list = consumers.get(id);
      if (list) list.push(n);
      else consumers.set(id, [n]);
    }
  }
  return { nodes, inputs: model.inputs.map((t) => t.id), outputs: model.outputs.map((t) => t.id), consumers };
}
