// Runs an ONNX model with ONNX Runtime's CPU library (npm's onnxruntime-node, installed by scripts/install-deps.sh
// into .deps/node): node onnx_runtime.js MODEL INPUT.f32 OUTPUT.f32 DIM…  — the input and output are raw float32,
// the input of shape DIM…, fed to the graph's "input"; its "output" is written.
const fs = require('fs');
const ort = require('onnxruntime-node');

(async () => {
  const [model, input, output, ...dims] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 1, graphOptimizationLevel: 'disabled'});
  const bytes = fs.readFileSync(input);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const result = await session.run({input: new ort.Tensor('float32', data, dims.map(Number))});
  const out = result.output.data;
  fs.writeFileSync(output, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
})().catch((error) => {
  console.error(String(error && error.message ? error.message : error));
  process.exit(1);
});
