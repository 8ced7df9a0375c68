// `@zoo/core-blocks/docs`: what the docs site needs from a family and nothing an app runs: the
// shape of an innovation page and the SVG figures that draw the ideas. No browser entry
// (`@zoo/core-blocks`, `/family`) imports it, so it is never in an app's bundle; a family
// publishes its innovation pages under its own `./innovations` subpath.
export { type Innovation, type InnovationComparison, type InnovationVariant, variantModel } from './docs/innovation.js';
export {
  type ChannelShuffleFigureOptions,
  type Column,
  channelShuffleFigure,
  channelShuffleOrder,
  columnsFigure,
  type DepthwiseFigureOptions,
  depthwiseSeparableFigure,
  FIGURE_FONT,
  FIGURE_MAX_WIDTH,
  textWidth,
  type WindowFigureOptions,
  windowPartitionFigure,
} from './docs/innovation-figure.js';
