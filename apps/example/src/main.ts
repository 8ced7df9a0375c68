/**
 * The zoo in a web app: MobileNetV3-Small with torchvision's own ImageNet weights (its `.pth`,
 * read in the page, checked against its published hash and kept in Cache Storage), on the wasm
 * backend, classifying a picked or dropped image or the camera with the weights' own
 * preprocessing.
 *
 * Query parameters: `?weights=<url>` reads that checkpoint instead of torchvision's (your own
 * copy, or a fine-tuned one; `&sha256=<hex>` checks it), `?cache=0` skips Cache Storage.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { classify, type ImageInput, type Prediction, weightsOf } from '@zoo/core-blocks';
import { useWasm } from '@zoo/core-blocks/wasm';
import { mobilenet_v3_small } from '@zoo/mobile';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const progress = $<HTMLProgressElement>('progress');
const fileInput = $<HTMLInputElement>('file');
const cameraButton = $<HTMLButtonElement>('camera');
const drop = $<HTMLDivElement>('drop');
const preview = $<HTMLImageElement>('preview');
const video = $<HTMLVideoElement>('video');
const results = $<HTMLOListElement>('results');
const about = $<HTMLElement>('about');

type State = 'loading' | 'ready' | 'classifying' | 'done' | 'error';
function show(state: State, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

function render(predictions: readonly Prediction[]): void {
  results.replaceChildren(
    ...predictions.map((p) => {
      const li = document.createElement('li');
      li.dataset.index = String(p.index);
      li.dataset.probability = String(p.probability);
      const label = document.createElement('span');
      label.textContent = p.label;
      const meter = document.createElement('meter');
      meter.value = p.probability;
      const pct = document.createElement('span');
      pct.className = 'p';
      pct.textContent = `${(100 * p.probability).toFixed(1)} %`;
      li.append(label, meter, pct);
      return li;
    }),
  );
}

const params = new URLSearchParams(location.search);
let model: tfl.LayersModel | undefined;
let busy = false;

async function run(image: ImageInput, what: string): Promise<void> {
  if (!model || busy) return;
  busy = true;
  try {
    show('classifying', `Classifying ${what}…`);
    const t0 = performance.now();
    const top5 = await classify(model, image, { topK: 5 });
    render(top5);
    show('done', `${what}: ${top5[0].label} (${(performance.now() - t0).toFixed(0)} ms)`);
  } catch (err) {
    show('error', String((err as Error)?.message ?? err));
  } finally {
    busy = false;
  }
}

async function classifyFile(file: File): Promise<void> {
  if (!file.type.startsWith('image/')) {
    show('error', `${file.name} is not an image (${file.type || 'unknown type'}).`);
    return;
  }
  stopCamera();
  if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  try {
    await preview.decode();
  } catch {
    show('error', `${file.name} could not be decoded as an image.`);
    return;
  }
  await run(preview, file.name);
}

let stream: MediaStream | undefined;
function stopCamera(): void {
  for (const t of stream?.getTracks() ?? []) t.stop();
  stream = undefined;
  video.hidden = true;
  cameraButton.textContent = 'Use the camera';
}

async function startCamera(): Promise<void> {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch (err) {
    show('error', `No camera: ${(err as Error)?.message ?? err}`);
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  preview.hidden = true;
  cameraButton.textContent = 'Stop the camera';
  await video.play();
  // One frame after another: the next starts when the last is classified.
  const loop = async () => {
    if (!stream) return;
    await run(video, 'the camera');
    requestAnimationFrame(loop);
  };
  loop();
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) classifyFile(file);
});
cameraButton.addEventListener('click', () => (stream ? stopCamera() : startCamera()));
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) classifyFile(file);
});

async function start(): Promise<void> {
  // Threads where the page is cross-origin isolated (one otherwise): up to four, past which batch-1
  // inference gains little.
  const wasm = await useWasm({ threads: Math.min(4, navigator.hardwareConcurrency || 1) });
  show('loading', 'Fetching the weights…');
  progress.hidden = false;
  const from = params.get('weights');
  const sha256 = params.get('sha256');
  model = await mobilenet_v3_small.load({
    weights: 'IMAGENET1K_V1',
    ...(from ? { from: new URL(from, location.href).href, sha256: sha256 ?? false } : {}),
    cache: params.get('cache') !== '0',
    onProgress: (p) => {
      if (p.total) progress.value = p.loaded / p.total;
    },
  });
  progress.hidden = true;
  const loaded = weightsOf(model)!;
  status.dataset.source = loaded.source.startsWith('cache:') ? 'cache' : 'network';
  about.textContent =
    `${loaded.model}, weights ${loaded.set?.name ?? 'of your own'} (${loaded.set?.license ?? 'license unknown'}) ` +
    `from ${loaded.source}; wasm backend${wasm.simd ? ' with SIMD' : ''}, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}.`;
  fileInput.disabled = false;
  cameraButton.disabled = !navigator.mediaDevices?.getUserMedia;
  show('ready', 'Ready: pick an image, drop one, or use the camera.');
}

start().catch((err) => show('error', String((err as Error)?.message ?? err)));
