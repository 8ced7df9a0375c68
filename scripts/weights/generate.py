#!/usr/bin/python3
"""Lists every released weight set of each zoo model, from the references' own metadata.

Run it through `pnpm weights:generate` (scripts/generate-weights.mjs), which calls it with Debian's
`/usr/bin/python3` (torch 1.13, torchvision 0.14) and `PYTHONPATH=.cache/python` (timm 1.0.29),
and writes each family's `src/weights.generated.ts` from what it prints.

What it reads, per family package: `packages/<pkg>/weights.sources.json` (every such file is
picked up; the generator names no family and no model). For each model of a family:

- `torchvision`: a builder name. Every member of its weights enum becomes a set, from the enum's
  own metadata (URL, hash prefix, transforms, categories, metrics, recipe).
- `timm`: architecture names. Every pretrained tag of each becomes a set, from timm's pretrained
  config. Whether the zoo can load it is decided by building timm's model and the zoo's reference
  (packages/reference/data/models.json) with random weights and comparing state-dict keys and
  shapes.
- `authors`: released sets stated by hand from the reference's metadata, passed through after a
  check of their fields; `authorsNote` says where each was stated from.
- `reason`: why a model has no set (required when it has none).

Nothing is downloaded: model builders run with `weights=None` / `pretrained=False`.

Output: one JSON document on stdout (progress on stderr), or in `--out FILE`.
"""

from __future__ import annotations

import argparse
import ast
import collections
import contextlib
import gc
import hashlib
import importlib
import json
import math
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[2]
MODELS_JSON = ROOT / 'packages' / 'reference' / 'data' / 'models.json'
GENERATOR = 'scripts/weights/generate.py'


def log(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


class GenerateError(Exception):
    pass


try:
    import torch
    import torchvision
    from torchvision.models import get_model, get_model_weights
    from torchvision.models._api import WeightsEnum
    from torchvision.models._meta import _IMAGENET_CATEGORIES
except ImportError as e:  # pragma: no cover - environment problem
    sys.exit(
        f'{GENERATOR}: cannot import torch/torchvision ({e}). Run it with Debian\'s /usr/bin/python3 '
        '(apt-get install -y python3-torch python3-torchvision), not the python3 first on PATH.'
    )
try:
    import timm
    import timm.data
    from timm.data.constants import DEFAULT_CROP_PCT
    from timm.models import get_pretrained_cfg
except ImportError as e:  # pragma: no cover - environment problem
    sys.exit(
        f'{GENERATOR}: cannot import timm ({e}). Install it beside the repository with '
        '`/usr/bin/python3 -m pip install --no-deps --target .cache/python timm==1.0.29 safetensors==0.8.0` '
        'and run with PYTHONPATH=.cache/python (pnpm weights:generate does).'
    )


def base_version(v: str) -> str:
    """`0.14.1a0` (Debian's build) -> `0.14.1`."""
    m = re.match(r'\d+(\.\d+)*', v)
    return m.group(0) if m else v


VERSIONS = {
    'torch': base_version(torch.__version__),
    'torchvision': base_version(torchvision.__version__),
    'timm': base_version(timm.__version__),
}

# ---------------------------------------------------------------------------------------------
# Licenses

# torchvision's own license (pytorch/vision's LICENSE file: BSD 3-Clause) is the one its weight
# sets carry unless their metadata names another.
TORCHVISION_LICENSE = 'BSD-3-Clause'
# The SWAG sets (ViT SWAG end-to-end and linear-classifier weights) are the SWAG repository's
# weights, whose README says: "SWAG models are released under the CC-BY-NC 4.0 license. See
# LICENSE for additional details." (https://github.com/facebookresearch/SWAG#license). torchvision
# points at that LICENSE in `meta['license']` for all of them; the end-to-end sets also have the
# repository as their recipe, the linear ones a torchvision pull request (their trunk is SWAG's).
SWAG_REPOSITORY = 'https://github.com/facebookresearch/SWAG'
SWAG_LICENSE = 'CC-BY-NC-4.0'

# timm's configs name licenses by their Hugging Face hub identifiers (lower case); these are SPDX
# identifiers in SPDX's spelling. Others (`dinov3-license`, ...) are kept as timm words them.
SPDX_SPELLING = {
    'apache-2.0': 'Apache-2.0',
    'bsd-2-clause': 'BSD-2-Clause',
    'bsd-3-clause': 'BSD-3-Clause',
    'mit': 'MIT',
    'cc-by-4.0': 'CC-BY-4.0',
    'cc-by-sa-4.0': 'CC-BY-SA-4.0',
    'cc-by-nc-4.0': 'CC-BY-NC-4.0',
    'cc-by-nc-sa-4.0': 'CC-BY-NC-SA-4.0',
    'cc-by-nc-nd-4.0': 'CC-BY-NC-ND-4.0',
    'gpl-3.0': 'GPL-3.0',
    'cc0-1.0': 'CC0-1.0',
}


def torchvision_license(meta: Dict[str, Any]) -> str:
    named = meta.get('license')
    recipe = meta.get('recipe') or ''
    if (named and named.startswith(SWAG_REPOSITORY)) or recipe.startswith(SWAG_REPOSITORY):
        return SWAG_LICENSE
    if named:
        raise GenerateError(f'torchvision names a license this generator does not know: {named!r}; add its rule')
    return TORCHVISION_LICENSE


def timm_license(cfg: Dict[str, Any]) -> Optional[str]:
    lic = cfg.get('license')
    if not lic:
        return None
    return SPDX_SPELLING.get(lic.lower(), lic)


# ---------------------------------------------------------------------------------------------
# Building models fast, and what their state dicts hold


@contextlib.contextmanager
def cheap_init():
    """Random initialisation is most of the build time (ViT-H: 49 s) and only shapes are used here:
    the sampling methods return the tensor as it is while models are built."""
    names = ('uniform_', 'normal_', 'erfinv_')
    saved = {n: getattr(torch.Tensor, n) for n in names}
    try:
        for n in names:
            setattr(torch.Tensor, n, lambda self, *a, **k: self)
        with torch.no_grad():
            yield
    finally:
        for n, f in saved.items():
            setattr(torch.Tensor, n, f)


Shapes = Dict[str, Tuple[Tuple[int, ...], str]]


def state_shapes(model: torch.nn.Module) -> Shapes:
    return {k: (tuple(v.shape), str(v.dtype)) for k, v in model.state_dict().items()}


def state_bytes(model: torch.nn.Module) -> int:
    return sum(v.numel() * v.element_size() for v in model.state_dict().values())


def norm_epsilons(model: torch.nn.Module) -> collections.Counter:
    """Epsilon of every normalisation layer (BatchNorm, LayerNorm, GroupNorm and timm's variants)."""
    out: collections.Counter = collections.Counter()
    for m in model.modules():
        eps = getattr(m, 'eps', None)
        if isinstance(eps, float) and 'Norm' in type(m).__name__:
            out[eps] += 1
    return out


class Built:
    """What a comparison needs from a model: its state dict's shapes and its norm epsilons, and
    the builder arguments named in `attrs` as the built module holds them (ViT's `image_size`)."""

    def __init__(self, model: torch.nn.Module, attrs: Tuple[str, ...] = ()):
        self.shapes = state_shapes(model)
        self.eps = norm_epsilons(model)
        self.attrs = {a: getattr(model, a, None) for a in attrs}


def resolve_dotted(path: str) -> Callable[..., Any]:
    """`torchvision.models.alexnet` -> the builder (attributes first: the package exports the
    builder under its submodule's name)."""
    head, *rest = path.split('.')
    obj: Any = importlib.import_module(head)
    for p in rest:
        obj = getattr(obj, p) if hasattr(obj, p) else importlib.import_module(f'{obj.__name__}.{p}')
    if not callable(obj):
        raise GenerateError(f'{path!r} is not callable')
    return obj


def parse_call(expr: str) -> Tuple[str, List[Any], Dict[str, Any]]:
    """`timm.create_model('hrnet_w18')` -> ('timm.create_model', ['hrnet_w18'], {}), literals only."""
    node = ast.parse(expr.strip(), mode='eval').body
    if not isinstance(node, ast.Call):
        raise GenerateError(f'not a call: {expr!r}')

    def dotted(n: ast.AST) -> str:
        if isinstance(n, ast.Name):
            return n.id
        if isinstance(n, ast.Attribute):
            return f'{dotted(n.value)}.{n.attr}'
        raise GenerateError(f'not a dotted name in {expr!r}')

    return (
        dotted(node.func),
        [ast.literal_eval(a) for a in node.args],
        {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg},
    )


# ---------------------------------------------------------------------------------------------
# The zoo's references (packages/reference/data/models.json)


class Reference:
    """How the zoo's model is defined: `kind` (the key convention of its layer names) and a builder
    of the reference with random weights, for a number of classes."""

    def __init__(self, model: str, entry: Optional[Dict[str, Any]], sources: Dict[str, Any]):
        self.model = model
        self.kind: Optional[str] = None
        self.call: Optional[Tuple[str, List[Any], Dict[str, Any]]] = None
        tv = sources.get('torchvision')
        if entry is not None:
            ref = entry['reference']
            self.kind = ref['kind']
            impl = ref.get('implementation', '')
            if self.kind == 'torchvision':
                # "torchvision 0.14.1 torchvision.models.alexnet(weights=None, num_classes=1000)"
                expr = re.sub(r'^torchvision\s+\S+\s+', '', impl)
                self.call = parse_call(expr)
                builder = self.call[0].split('.')[-1]
                if tv and tv != builder:
                    raise GenerateError(f'{model}: sources name torchvision builder {tv!r}, the reference data {builder!r}')
            elif self.kind == 'timm':
                self.call = parse_call(impl)
        elif tv:
            self.kind = 'torchvision'
            self.call = (f'torchvision.models.{tv}', [], {'weights': None})
        # Builder arguments a weight set may need, and the zoo's creation option for each
        # (`{"image_size": "imageSize"}`: torchvision builds ViT for SWAG's 384 with image_size=384).
        self.builder_options: Dict[str, str] = dict(sources.get('builderOptions', {}))
        self._cache: Dict[Tuple[Any, ...], Built] = {}

    @property
    def buildable(self) -> bool:
        return self.call is not None

    def build(self, num_classes: int, **extra: Any) -> Built:
        key = (num_classes, *sorted(extra.items()))
        if key not in self._cache:
            assert self.call is not None
            func, args, kwargs = self.call
            kwargs = {**kwargs, 'num_classes': num_classes, **extra}
            with cheap_init():
                model = resolve_dotted(func)(*args, **kwargs)
            self._cache[key] = Built(model, tuple(self.builder_options))
            del model
            gc.collect()
        return self._cache[key]

    def drop(self) -> None:
        self._cache.clear()


# ---------------------------------------------------------------------------------------------
# Comparisons and the sentences that explain them


def fmt_shape(s: Tuple[int, ...]) -> str:
    return '[' + ', '.join(str(d) for d in s) + ']'


def compare(candidate: Built, reference: Built, source: str, convention: str, ignore_eps: bool = False) -> Optional[str]:
    """None when `candidate` (a checkpoint's layout) loads as `reference`; else why not, a sentence."""
    a, b = candidate.shapes, reference.shapes
    clauses = []
    fix = 'loading it needs a conversion the zoo does not do yet'
    renamed = [k for k in a if k not in b]
    if renamed or any(k not in a for k in b):
        clauses.append(
            f"{source}'s key names differ from {convention}'s for this architecture ({len(renamed)} of its {len(a)} keys differ)"
        )
        fix = 'they are not mapped yet'
    else:
        shaped = [k for k in a if a[k] != b[k]]
        if len(shaped) == 1:
            k = shaped[0]
            clauses.append(f"its {k} is {fmt_shape(a[k][0])} where the zoo's model has {fmt_shape(b[k][0])}")
        elif shaped:
            examples = ', '.join(f'{k} is {fmt_shape(a[k][0])} where the zoo has {fmt_shape(b[k][0])}' for k in shaped[:2])
            clauses.append(f"{len(shaped)} of its tensors have other shapes than the zoo's model ({examples}, ...)")
    if candidate.eps != reference.eps and not ignore_eps:
        ea = ', '.join(f'{e:g}' for e in sorted(candidate.eps))
        eb = ', '.join(f'{e:g}' for e in sorted(reference.eps))
        clauses.append(f"its normalization epsilon is {ea} where {convention}'s is {eb}")
    if not clauses:
        return None
    return sentence(', and '.join(clauses) + '; ' + fix)


def sentence(text: str) -> str:
    """A sentence of `text`: capitalised, unless it starts with a lower-case name (timm)."""
    if not text.startswith('timm'):
        text = text[0].upper() + text[1:]
    return text + ('' if text.endswith('.') else '.')


# ---------------------------------------------------------------------------------------------
# torchvision


HASH_REGEX = torch.hub.HASH_REGEX  # what torch.hub's check_hash takes from a file name


class _Pending(dict):
    """Stands for the state dict a builder would download; an empty dict, so that builders that
    rename keys first (DenseNet) run through."""


@contextlib.contextmanager
def capture_load(capture: Dict[str, Any], attrs: Tuple[str, ...] = ()):
    """Builds as torchvision builds for a weights member (with the kwargs the weights need: classes,
    ViT's image size, GoogLeNet's aux heads) but captures the model at `load_state_dict` instead of
    downloading: its state dict there is the file's layout."""
    pending = _Pending()
    original_get = WeightsEnum.get_state_dict
    original_load = torch.nn.Module.load_state_dict

    def get_state_dict(self, *args, **kwargs):
        return pending

    def load_state_dict(self, state_dict, *args, **kwargs):
        if state_dict is pending:
            capture['built'] = Built(self, attrs)
            capture['bytes'] = state_bytes(self)
            return torch.nn.modules.module._IncompatibleKeys([], [])
        return original_load(self, state_dict, *args, **kwargs)

    WeightsEnum.get_state_dict = get_state_dict
    torch.nn.Module.load_state_dict = load_state_dict
    try:
        yield
    finally:
        WeightsEnum.get_state_dict = original_get
        torch.nn.Module.load_state_dict = original_load


def sha_prefix(url: str) -> Optional[str]:
    m = HASH_REGEX.search(url.rsplit('/', 1)[-1])
    return m.group(1) if m and len(m.group(1)) >= 8 else None


def torchvision_sets(model: str, builder: str, ref: Reference, published: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    enum = get_model_weights(builder)
    default = enum.DEFAULT
    out = []
    for member in enum:  # aliases (DEFAULT) are not iterated
        meta = member.meta
        t = member.transforms()
        crop, resize = t.crop_size[0], t.resize_size[0]
        categories = meta.get('categories')
        capture: Dict[str, Any] = {}
        with capture_load(capture, tuple(ref.builder_options)), cheap_init():
            get_model(builder, weights=member)
        if 'built' not in capture:
            raise GenerateError(f'{builder}: the builder did not load {member.name} through load_state_dict')
        file_layout: Built = capture['built']
        if categories is None:
            # VGG16's IMAGENET1K_FEATURES: "can't be used for classification" (its docs); the file
            # still holds a classifier of the builder's default width, of no use.
            dataset, count = 'none', (ref.call[2] if ref.call else {}).get('num_classes', 1000)
        elif list(categories) == list(_IMAGENET_CATEGORIES):
            dataset, count = 'imagenet-1k', len(categories)
        else:
            raise GenerateError(f'{builder}.{member.name}: categories are not torchvision\'s ImageNet list')
        metrics = meta.get('_metrics', {}).get('ImageNet-1K', {})
        top1, top5 = metrics.get('acc@1'), metrics.get('acc@5')
        if top1 is not None and math.isnan(top1):
            top1 = None
        if top5 is not None and math.isnan(top5):
            top5 = None
        accuracy = None
        if top1 is not None or top5 is not None:
            accuracy = {'top1': top1, 'top5': top5, 'resolution': crop, 'dataset': 'imagenet-1k'}
        for p in published:
            if p.get('tag') == member.name and p.get('top1') is not None and top1 is not None and abs(p['top1'] - top1) > 1e-9:
                log(f'  warning: {model} {member.name}: models.json publishes top1 {p["top1"]}, torchvision {top1}')
        s: Dict[str, Any] = {
            'name': member.name,
            'publisher': 'torchvision',
            'isDefault': member is default,
            'file': {'url': member.url, 'format': 'pth', 'bytes': capture['bytes']},
            'keys': 'torchvision',
            'preprocessing': {
                'inputSize': crop,
                'resizeSize': resize,
                'interpolation': t.interpolation.value,
                'mean': list(t.mean),
                'std': list(t.std),
            },
            'classes': {'dataset': dataset, 'count': count},
            'accuracy': accuracy,
            'license': torchvision_license(meta),
            'docs': meta.get('recipe'),
        }
        h = sha_prefix(member.url)
        if h:
            s['file']['sha256'] = h
        if ref.buildable:
            # Builder arguments the weights set (ViT's image_size for SWAG's 384): the zoo's model
            # is created with the matching option, and compared as torchvision builds it then.
            base = ref.build(count)
            extra = {a: v for a, v in file_layout.attrs.items() if v != base.attrs.get(a)}
            if extra:
                s['createOptions'] = {ref.builder_options[a]: v for a, v in extra.items()}
            why = compare(file_layout, ref.build(count, **extra), 'torchvision', 'the zoo')
            if why:
                s['unsupported'] = why
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------
# timm

DATASETS = {'in1k': 'imagenet-1k', 'in12k': 'imagenet-12k', 'in21k': 'imagenet-21k', 'in22k': 'imagenet-22k'}


def tag_dataset(tag: str, num_classes: int) -> str:
    """The labels a tag's head predicts: the last `inNk` of the tag (`augreg_in21k_ft_in1k`: in1k)."""
    if num_classes == 0:
        return 'none'
    if num_classes != 1000:
        # The class list is timm's by its count (Google's 21k, fall11's 22k, timm's 12k, MIIL's 11k):
        # the names that `classLabels` gives are that list's.
        from timm.data.imagenet_info import infer_imagenet_subset

        subset = infer_imagenet_subset({'num_classes': num_classes})
        if subset:
            return subset
    found = re.findall(r'(?:^|_)(in\d+k)(?=_|$)', tag)
    if found:
        ds = DATASETS.get(found[-1], f'imagenet-{found[-1][2:]}')
        if ds == 'imagenet-1k' and num_classes != 1000:
            raise GenerateError(f'{tag}: an in1k tag with {num_classes} classes')
        return ds
    return tag  # no labelled data set named (CLIP towers: an embedding); timm's own word


def docs_of(cfg: Dict[str, Any], hub_repo: str) -> str:
    papers = cfg.get('paper_ids')
    if papers:
        first = (papers if isinstance(papers, str) else papers[0]).split(',')[0].strip()
        m = re.match(r'arXiv:(\S+)', first, re.I)
        return f'https://arxiv.org/abs/{m.group(1)}' if m else first
    if cfg.get('origin_url'):
        return cfg['origin_url']
    return f'https://huggingface.co/{hub_repo}'


def resize_of(cfg: Dict[str, Any]) -> int:
    """timm's eval transform: resize to floor(input / crop_pct), then crop the input size."""
    crop_pct = cfg.get('crop_pct') or DEFAULT_CROP_PCT
    return math.floor(cfg['input_size'][1] / crop_pct)


def check_resize_rule(cfg: Dict[str, Any], expected: int) -> None:
    """Confirms the rule against timm's own resolve_data_config + create_transform."""
    data_config = timm.data.resolve_data_config(pretrained_cfg=cfg)
    transform = timm.data.create_transform(**data_config)
    for t in getattr(transform, 'transforms', []):
        if type(t).__name__ in ('Resize', 'ResizeKeepRatio'):
            size = t.size if isinstance(t.size, int) else t.size[0]
            if size != expected:
                raise GenerateError(f'{cfg["architecture"]}.{cfg["tag"]}: timm resizes to {t.size}, the rule gives {expected}')
            return
    raise GenerateError(f'{cfg["architecture"]}.{cfg["tag"]}: no resize in timm\'s eval transform')


def pretrained_tags(arch: str) -> List[str]:
    """The architecture's pretrained tags in timm's own order, its default (what
    `create_model(arch, pretrained=True)` loads) first; list_pretrained sorts them by name."""
    pretrained = timm.list_pretrained(f'{arch}.*')
    default_cfgs = getattr(timm.models._registry, '_model_default_cfgs', {})
    if arch not in default_cfgs:
        return pretrained
    ordered = [f'{arch}.{t}' for t in default_cfgs[arch].tags if f'{arch}.{t}' in pretrained]
    return ordered + [t for t in pretrained if t not in ordered]


class TimmBuilds:
    """timm models built from tags, cached by what a tag changes in the architecture (timm passes
    num_classes, global_pool, in_chans and, for fixed-size models, img_size from the tag's config)."""

    def __init__(self) -> None:
        self._cache: Dict[Tuple[Any, ...], Built] = {}

    @staticmethod
    def signature(cfg: Dict[str, Any]) -> Tuple[Any, ...]:
        return (
            cfg['architecture'],
            cfg.get('num_classes'),
            cfg.get('global_pool'),
            tuple(cfg['input_size']) if cfg.get('fixed_input_size') else tuple(cfg['input_size'][:1]),
        )

    def build(self, tag: str, cfg: Dict[str, Any], num_classes: Optional[int] = None) -> Built:
        """timm's model for `tag`, with another number of classes if given."""
        kwargs = {} if num_classes is None else {'num_classes': num_classes}
        key = self.signature({**cfg, **kwargs})
        if key not in self._cache:
            with cheap_init():
                model = timm.create_model(tag, pretrained=False, **kwargs)
            self._cache[key] = Built(model)
            del model
            gc.collect()
        return self._cache[key]

    def drop(self) -> None:
        self._cache.clear()


def timm_sets(
    model: str, arch: str, ref: Reference, published: List[Dict[str, Any]], builds: TimmBuilds, src_options: Dict[str, Any]
) -> List[Dict[str, Any]]:
    convention = ref.kind if ref.kind in ('torchvision', 'timm') else None
    out = []
    for full in pretrained_tags(arch):
        cfg = get_pretrained_cfg(full).to_dict()
        tag = cfg['tag']
        hub_id = cfg.get('hf_hub_id')
        if not hub_id:
            raise GenerateError(f'{full}: no hf_hub_id in its pretrained config')
        repo, _, revision = hub_id.partition('@')
        _, h, w = cfg['input_size']
        num_classes = cfg.get('num_classes', 1000)
        interpolation = cfg.get('interpolation', 'bilinear')
        if interpolation not in ('nearest', 'bilinear', 'bicubic'):
            raise GenerateError(f'{full}: interpolation {interpolation!r}')
        resize = resize_of(cfg)
        check_resize_rule(cfg, resize)
        accuracy = None
        for p in published:
            if p.get('tag') in (full, f'timm/{full}', repo) and (p.get('top1') is not None or p.get('top5') is not None):
                accuracy = {
                    'top1': p.get('top1'),
                    'top5': p.get('top5'),
                    'resolution': p.get('cropSize') or h,
                    'dataset': 'imagenet-1k',
                }
        reasons: List[Optional[str]] = []
        keys = 'timm'
        pending: Optional[str] = None
        create_options: Dict[str, Any] = dict(src_options.get('timmCreateOptions') or {})
        if convention is None:
            reasons.append("The zoo's layer names are the authors' code's, which this generator cannot build to compare with.")
        elif h != w:
            reasons.append(f"Its input is {h}x{w}, not square, and the zoo's preprocessing crops a square.")
        else:
            # A headless tag (num_classes 0) has the architecture's keys less the head: compare
            # the architecture with a head for the `keys` field.
            timm_built = builds.build(full, cfg, 1000 if num_classes == 0 else None)
            # Builder arguments the tag needs (ViT's image_size for a 384 tag): the zoo's model is
            # created with the matching option, and compared as the reference builds it then.
            extra = {a: h for a in ref.builder_options if a == 'image_size' and h != ref.build(num_classes or 1000).attrs.get(a)}
            if extra:
                create_options.update({ref.builder_options[a]: v for a, v in extra.items()})
            ref_built = ref.build(num_classes or 1000, **extra)
            eps_option = src_options.get('normEpsOption')
            if eps_option and timm_built.eps != ref_built.eps and len(timm_built.eps) == 1:
                # The family's option computes timm's normalisation (proven by parity).
                create_options[eps_option] = next(iter(timm_built.eps))
                timm_eps_ok = True
            else:
                timm_eps_ok = False
            if set(timm_built.shapes) != set(ref_built.shapes):
                # Other key names: whether the family's declared convention maps them is decided by
                # the same rules the loader applies (scripts/generate-weights.mjs checks the layout).
                pending = layouts.add(timm_built, ref_built)
                reasons.append(None)
                if not timm_eps_ok and timm_built.eps != ref_built.eps:
                    reasons.append(eps_clause(timm_built, ref_built, convention))
            else:
                why = compare(timm_built, ref_built, 'timm', convention, ignore_eps=timm_eps_ok)
                if why:
                    reasons.append(why)
                else:
                    keys = convention
        crop_mode = cfg.get('crop_mode') or 'center'
        if crop_mode != 'center':
            how = {'squash': 'resizes both sides, not keeping the aspect ratio', 'border': 'fits the whole image and pads the border'}
            reasons.append(
                f"timm's preprocessing for it is crop_mode '{crop_mode}' (it {how.get(crop_mode, 'is another')}), "
                "where the zoo's resizes the shorter side and crops the center."
            )
        if num_classes == 0:
            reasons.insert(0, "It has no classifier (timm's num_classes is 0: a feature backbone), which the zoo's loader does not take yet.")
        s: Dict[str, Any] = {
            'name': repo,
            'publisher': 'timm',
            'isDefault': False,
            # No sha256: the hub's file hashes are in its API, not in timm's metadata.
            'file': {'hub': {'repo': repo, 'file': 'model.safetensors', 'revision': revision or 'main'}, 'format': 'safetensors', 'bytes': None},
            'keys': keys,
            'preprocessing': {
                'inputSize': h,
                'resizeSize': resize,
                'interpolation': interpolation,
                'mean': [float(x) for x in cfg['mean']],
                'std': [float(x) for x in cfg['std']],
            },
            'classes': {'dataset': tag_dataset(tag, num_classes), 'count': num_classes},
            'accuracy': accuracy,
            'license': timm_license(cfg),
            'docs': docs_of(cfg, repo),
        }
        if create_options:
            s['createOptions'] = create_options
        if src_options.get('timmDifference'):
            s['note'] = src_options['timmDifference']
        if pending is not None:
            # None marks where the key clause goes, once the convention has been checked.
            s['pending'] = {'layout': pending, 'convention': convention, 'reasons': reasons}
        elif reasons:
            s['unsupported'] = ' '.join(r for r in reasons if r is not None)
        out.append(s)
    return out


class Layouts:
    """The state-dict layouts (float tensors' keys and shapes) of timm's models and of the zoo's
    references whose key names differ, once each, for scripts/generate-weights.mjs to check with
    the families' conventions."""

    def __init__(self) -> None:
        self.items: Dict[str, Dict[str, Any]] = {}

    @staticmethod
    def floats(b: Built) -> Dict[str, List[int]]:
        return {k: list(shape) for k, (shape, dtype) in b.shapes.items() if dtype.startswith('torch.float')}

    def add(self, checkpoint: Built, model: Built) -> str:
        item = {'checkpoint': self.floats(checkpoint), 'model': self.floats(model)}
        key = hashlib.sha1(json.dumps(item, sort_keys=True).encode()).hexdigest()[:12]
        self.items.setdefault(key, item)
        return key


layouts = Layouts()


def eps_clause(a: Built, b: Built, convention: str) -> str:
    ea = ', '.join(f'{e:g}' for e in sorted(a.eps))
    eb = ', '.join(f'{e:g}' for e in sorted(b.eps))
    return sentence(f"its normalization epsilon is {ea} where {convention}'s is {eb}, and the model has no option for it")


# ---------------------------------------------------------------------------------------------
# Authors' releases (stated by hand in the sources file)

AUTHORS_FIELDS = {'name', 'file', 'keys', 'preprocessing', 'classes', 'accuracy', 'license', 'docs'}


def authors_sets(model: str, releases: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    out = []
    for r in releases:
        missing = AUTHORS_FIELDS - set(r)
        if missing:
            raise GenerateError(f'{model}: authors release {r.get("name")!r} lacks {sorted(missing)}')
        out.append({'publisher': 'authors', 'isDefault': False, **r})
    return out


# ---------------------------------------------------------------------------------------------


def discover(only: List[str]) -> List[Path]:
    found = sorted((ROOT / 'packages').glob('*/weights.sources.json'))
    if only:
        found = [p for p in found if p.parent.name in only]
        unknown = set(only) - {p.parent.name for p in found}
        if unknown:
            raise GenerateError(f'no packages/<pkg>/weights.sources.json for {sorted(unknown)}')
    return found


def generate_package(path: Path, models_json: Dict[str, Any], timm_models: set) -> Dict[str, Any]:
    pkg = path.parent.name
    sources = json.loads(path.read_text())['models']
    known = {n for n, e in models_json.items() if e.get('package') == pkg}
    absent = sorted(known - set(sources))
    if absent:
        raise GenerateError(f'{path.relative_to(ROOT)} lacks models the reference data puts in {pkg}: {", ".join(absent)}')
    models = []
    builds = TimmBuilds()
    for name, src in sources.items():
        unknown_fields = set(src) - {'torchvision', 'timm', 'authors', 'reason', 'timmNote', 'builderOptions', 'authorsNote', 'normEpsOption', 'timmCreateOptions', 'timmDifference'}
        if unknown_fields:
            raise GenerateError(f'{pkg}/{name}: unknown fields {sorted(unknown_fields)} in the sources file')
        entry = models_json.get(name)
        if entry is None:
            log(f'  note: {pkg}/{name} is not in packages/reference/data/models.json')
        ref = Reference(name, entry, src)
        published = (entry or {}).get('published') or []
        sets: List[Dict[str, Any]] = []
        started = time.time()
        if src.get('torchvision'):
            sets += torchvision_sets(name, src['torchvision'], ref, published)
        for arch in src.get('timm') or []:
            if arch not in timm_models:
                raise GenerateError(f'{pkg}/{name}: timm has no architecture {arch!r}')
            sets += timm_sets(name, arch, ref, published, builds, src)
        sets += authors_sets(name, src.get('authors') or [])
        if not sets and not src.get('reason'):
            raise GenerateError(f'{pkg}/{name} has no weight set: say why in `reason` in {path.relative_to(ROOT)}')
        log(f'  {pkg}/{name}: {len(sets)} sets ({time.time() - started:.1f} s)')
        models.append({'name': name, 'sets': sets, 'reason': None if sets else src.get('reason')})
        ref.drop()
        builds.drop()  # each model's architectures are its own
        gc.collect()
    return {
        'package': pkg,
        'sources': str(path.relative_to(ROOT)),
        'output': str((path.parent / 'src' / 'weights.generated.ts').relative_to(ROOT)),
        'models': models,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--package', action='append', default=[], help='only this family package (repeatable)')
    ap.add_argument('--out', help='write the JSON here instead of stdout')
    args = ap.parse_args()
    warnings.simplefilter('ignore')  # builders' deprecation and init notices
    started = time.time()
    models_json = json.loads(MODELS_JSON.read_text())['models']
    timm_models = set(timm.list_models())
    torch.set_num_threads(max(1, torch.get_num_threads()))
    doc = {'generator': GENERATOR, 'versions': VERSIONS, 'packages': []}
    try:
        for path in discover(args.package):
            log(f'{path.relative_to(ROOT)}:')
            doc['packages'].append(generate_package(path, models_json, timm_models))
    except GenerateError as e:
        log(f'{GENERATOR}: {e}')
        return 1
    doc['layouts'] = layouts.items
    doc['seconds'] = round(time.time() - started, 1)
    text = json.dumps(doc, indent=1, allow_nan=False)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    log(f'done in {doc["seconds"]} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
