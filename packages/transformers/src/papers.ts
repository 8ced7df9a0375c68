import type { PaperRef } from '@zoo/core-blocks/family';

export const VIT_PAPER: PaperRef = {
  title: 'An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale',
  authors: 'Alexey Dosovitskiy, Lucas Beyer, Alexander Kolesnikov, Dirk Weissenborn, Xiaohua Zhai, Thomas Unterthiner, et al.',
  year: 2020,
  url: 'https://arxiv.org/abs/2010.11929',
};

export const SWIN_PAPER: PaperRef = {
  title: 'Swin Transformer: Hierarchical Vision Transformer using Shifted Windows',
  authors: 'Ze Liu, Yutong Lin, Yue Cao, Han Hu, Yixuan Wei, Zheng Zhang, Stephen Lin, Baining Guo',
  year: 2021,
  url: 'https://arxiv.org/abs/2103.14030',
};
