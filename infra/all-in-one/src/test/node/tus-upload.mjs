// Runs tus-js-client against a Depot for TusClientTest. One argument: a JSON object with
//   endpoint   the tus endpoint (http://host:port/v1/tus/), token (a bearer token), file (a path),
//   scenario   "upload" | "restart" | "checksum" | "terminate" | "parallel" | "resume-only",
//   chunkSize, parallel, uploadUrl (for "resume-only"), abortAt (bytes, for "restart" and "terminate"),
//   newConnections (a connection per request, so that a proxy cutting connections cuts requests),
//   rate (bytes per second each PATCH body is sent at; unlimited when absent).
// Prints one JSON line: {ok, url, checksumRefusals, patches, offsets (each PATCH's Upload-Offset), retries, status,
// error}.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { Upload, DefaultHttpStack } from 'tus-js-client';

const spec = JSON.parse(process.argv[2]);
const data = readFileSync(spec.file);
const result = { ok: false, checksumRefusals: 0, patches: 0, offsets: [], retries: 0 };

/** The bytes as a stream sent at about {@code rate} bytes per second (sent chunked, as a stream has no length). */
function throttled(bytes, rate) {
  const piece = 64 * 1024;
  let at = 0;
  return new Readable({
    read() {
      if (at >= bytes.length) {
        this.push(null);
        return;
      }
      const chunk = bytes.subarray(at, Math.min(bytes.length, at + piece));
      at += chunk.length;
      setTimeout(() => this.push(chunk), Math.round((chunk.length / rate) * 1000));
    },
  });
}

/** Counts PATCHes; in the checksum scenario adds Upload-Checksum and corrupts the first attempt of the second chunk. */
class CountingStack {
  constructor() {
    this.inner = new DefaultHttpStack(spec.newConnections ? { agent: false } : {});
    this.corrupted = false;
    this.chunk = 0;
  }

  createRequest(method, url) {
    const request = this.inner.createRequest(method, url);
    if (method !== 'PATCH') {
      return request;
    }
    const stack = this;
    const send = request.send.bind(request);
    request.send = (body) => {
      result.patches++;
      result.offsets.push(Number(request.getHeader('Upload-Offset')));
      let sent = body;
      if (spec.scenario === 'checksum' && body) {
        const bytes = Buffer.from(body);
        request.setHeader('Upload-Checksum', 'sha1 ' + createHash('sha1').update(bytes).digest('base64'));
        stack.chunk++;
        if (stack.chunk === 2 && !stack.corrupted) {
          stack.corrupted = true;
          sent = Buffer.from(bytes);
          sent[sent.length >> 1] ^= 0xff;
        }
      }
      if (spec.rate && sent) {
        sent = throttled(Buffer.from(sent), spec.rate);
      }
      return send(sent).then((response) => {
        if (response.getStatus() === 460) {
          result.checksumRefusals++;
        }
        return response;
      });
    };
    return request;
  }

  getName() {
    return 'CountingStack';
  }
}

function options(extra) {
  return {
    endpoint: spec.endpoint,
    headers: { Authorization: 'Bearer ' + spec.token },
    metadata: { filename: spec.filename || 'tus.bin', filetype: spec.filetype || 'application/octet-stream' },
    chunkSize: spec.chunkSize || Infinity,
    parallelUploads: spec.parallel || 1,
    retryDelays: [0, 100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    removeFingerprintOnSuccess: true,
    httpStack: new CountingStack(),
    onShouldRetry: (err, attempt) => {
      result.retries++;
      const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
      // A chunk refused for its checksum is sent again; otherwise tus-js-client's own rule.
      return status === 460 || status === 0 || status >= 500 || status === 409 || status === 423;
    },
    ...extra,
  };
}

function run(extra) {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, options({
      onSuccess: () => resolve(upload),
      onError: (err) => reject(err),
      ...extra(() => upload),
    }));
    upload.start();
  });
}

function fail(err) {
  result.error = String(err && err.message ? err.message : err);
  result.status = err && err.originalResponse ? err.originalResponse.getStatus() : null;
}

try {
  if (spec.scenario === 'restart' || spec.scenario === 'terminate') {
    // The first client stops after abortAt bytes (a killed client cuts its PATCH); the second resumes from the URL.
    let url = null;
    await new Promise((resolve, reject) => {
      const upload = new Upload(data, options({
        onProgress: (sent) => {
          if (sent >= spec.abortAt && upload.url) {
            url = upload.url;
            upload.abort(spec.scenario === 'terminate').then(resolve, reject);
          }
        },
        onSuccess: () => reject(new Error('finished before it was aborted')),
        onError: reject,
      }));
      upload.start();
    });
    result.url = url;
    if (spec.scenario === 'terminate') {
      result.ok = true;
    } else {
      const resumed = await run(() => ({ uploadUrl: url }));
      result.url = resumed.url;
      result.ok = true;
    }
  } else if (spec.scenario === 'resume-only') {
    const resumed = await run(() => ({ uploadUrl: spec.uploadUrl, endpoint: null }));
    result.url = resumed.url;
    result.ok = true;
  } else {
    const done = await run(() => ({}));
    result.url = done.url;
    result.ok = true;
  }
} catch (err) {
  fail(err);
}
console.log(JSON.stringify(result));
