// A model card's usage snippet, run as a reader would paste it: the code block that loads the
// model's default weight set by name and classifies `cat.jpg` is taken from the built card, compiled
// from TypeScript, and run by Node in a folder holding a real JPEG. The weight set's file is
// written by timm itself (random, perturbed weights: nothing can be downloaded here), saved with
// the safetensors library, and served from 127.0.0.1 at the hub's address for it. timm classifies
// the same decoded pixels with the set's own transform (PIL); the snippet's top-5 must be timm's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { decodeImage } from '@zoo/core-blocks/node';
import { ensureTimm, runPython, WEIGHTS_SCRIPT } from '@zoo/parity';
import jpeg from 'jpeg-js';
import ts from 'typescript';

/** The first catalog model whose default weight set loads from the hub and is timm's (a file with no published hash to match). */
export function snippetModel(models) {
  for (const e of models) {
    const set = e.weights.find((s) => s.isDefault && !s.unsupported) ?? e.weights.find((s) => !s.unsupported);
    if (set?.publisher === 'timm' && set.file.hub) return { entry: e, set };
  }
  throw new Error('no catalog model has a default weight set on the hub from timm');
}

/** The text of every code block of a built page (VitePress's highlighted HTML, tags and entities undone). */
export function codeBlocks(html) {
  const entities = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
  return [...html.matchAll(/<pre[^>]*><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) =>
    m[1]
      .replace(/<\/span>\s*<span class="line">/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(lt|gt|amp|quot|#39|#x27);/g, (e) => entities[e]),
  );
}

/** A deterministic photograph-like image: smooth gradients, edges and noise, 8-bit RGB. */
function scene(width, height) {
  const data = new Uint8Array(width * height * 4);
  let s = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const i = 4 * (y * width + x);
      const disc = (x - width * 0.6) ** 2 + (y - height * 0.45) ** 2 < (height * 0.3) ** 2;
      data[i] = Math.min(255, (disc ? 200 : 60) + 40 * Math.sin(x / 23) + ((s >>> 24) & 15));
      data[i + 1] = Math.min(255, (disc ? 120 : 140) + 50 * Math.cos(y / 31) + ((s >>> 16) & 15));
      data[i + 2] = Math.min(255, (disc ? 60 : 180) + 30 * Math.sin((x + y) / 17) + ((s >>> 8) & 15));
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${err.slice(-6000)}`)),
    );
  });
}

/**
 * Runs the card's snippet for `entry` (see the file's comment) and asserts its top-5 classes are
 * timm's, with probabilities within 1e-4 relative. Returns what it compared, for the log.
 */
export async function checkCardSnippet({ dist, app, models, assert }) {
  const { entry, set } = snippetModel(models);
  const html = readFileSync(join(dist, 'models', `${entry.name}.html`), 'utf8');
  const snippet = codeBlocks(html).find((c) => c.includes('classify(model') && c.includes('cat.jpg'));
  assert.ok(snippet, `the card of ${entry.name} has no snippet that classifies cat.jpg`);
  assert.ok(snippet.includes(`'${set.name}'`), `the snippet loads ${set.name}, the default set:\n${snippet}`);
  // Inside the docs app, so that the snippet's imports resolve as in a project that installed them.
  const dir = mkdtempSync(join(app, '.snippet-'));
  const server = createServer();
  try {
    const { data, width, height } = scene(320, 256);
    writeFileSync(join(dir, 'cat.jpg'), jpeg.encode({ data, width, height }, 92).data);
    // timm classifies the pixels the zoo decodes (JPEG decoders differ by a level here and there).
    const pixels = decodeImage(readFileSync(join(dir, 'cat.jpg')));
    assert.equal(pixels.channels, 3);
    writeFileSync(
      join(dir, 'image.json'),
      JSON.stringify({ data: Array.from(pixels.data), width: pixels.width, height: pixels.height, top: 5 }),
    );
    const checkpoint = join(dir, 'model.safetensors');
    await ensureTimm();
    const tag = set.name.replace(/^timm\//, '');
    await runPython(
      WEIGHTS_SCRIPT,
      [
        'checkpoint',
        ...['--publisher', 'timm', '--model', tag, '--format', 'safetensors', '--seed', '0'],
        ...['--calib-size', String(set.preprocessing.inputSize), '--checkpoint', checkpoint],
        ...['--classify', `${join(dir, 'image.json')}:${join(dir, 'timm.json')}`],
      ],
      { timm: true },
    );
    const want = JSON.parse(readFileSync(join(dir, 'timm.json'), 'utf8'));
    const hub = set.file.hub;
    const path = `/${hub.repo}/resolve/${hub.revision}/${hub.file}`;
    const bytes = readFileSync(checkpoint);
    const served = [];
    server.on('request', (req, res) => {
      served.push(req.url);
      if (req.url !== path) return res.writeHead(404).end();
      res.writeHead(200, { 'content-length': String(bytes.length), connection: 'close' }).end(bytes);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const js = ts.transpileModule(snippet, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(dir, 'snippet.mjs'), js);
    // What the snippet logs, as JSON lines marked as such (anything else, tfjs's own messages, as it was).
    writeFileSync(
      join(dir, 'capture.mjs'),
      [
        'const log = console.log.bind(console);',
        'console.log = (...a) => {',
        '  let json;',
        '  try { json = JSON.stringify(a); } catch { return log(...a); }',
        "  process.stdout.write('zoo-log ' + json + '\\n');",
        '};',
        '',
      ].join('\n'),
    );
    const out = await run(process.execPath, ['--import', './capture.mjs', 'snippet.mjs'], {
      cwd: dir,
      env: { ...process.env, ZOO_HUB_ENDPOINT: `http://127.0.0.1:${server.address().port}`, ZOO_CACHE: join(dir, 'cache') },
    });
    assert.deepEqual(served, [path], 'the snippet fetched the set at its hub address, once');
    const logged = out.split('\n').filter((l) => l.startsWith('zoo-log '));
    assert.equal(logged.length, 1, `the snippet logs once:\n${out}`);
    const [predictions] = JSON.parse(logged[0].slice('zoo-log '.length));
    assert.deepEqual(
      predictions.map((p) => p.index),
      want.indices,
      `${entry.name}'s snippet: top-5 ${JSON.stringify(predictions)}, timm's ${JSON.stringify(want)}`,
    );
    for (const [i, p] of predictions.entries()) {
      assert.ok(
        Math.abs(p.probability - want.probabilities[i]) <= 1e-4 * want.probabilities[0],
        `${p.label}: ${p.probability} vs timm's ${want.probabilities[i]}`,
      );
      assert.ok(typeof p.label === 'string' && p.label.length > 0, 'a label');
    }
    return { model: entry.name, set: set.name, predictions, timm: want };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
