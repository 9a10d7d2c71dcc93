// The tus peer Depot's benchmark compares against: @tus/server with @tus/s3-store, writing to the same
// S3-compatible storage (S3Proxy) that Depot uses. Configured only by environment variables:
//   TUS_PORT           listen port on 127.0.0.1 (default 1080; 0 picks a free one, printed at start)
//   TUS_S3_ENDPOINT    e.g. http://127.0.0.1:9000
//   TUS_S3_BUCKET      created at start if missing
//   TUS_S3_ACCESS_KEY, TUS_S3_SECRET_KEY
//   TUS_PART_SIZE      S3 part size in bytes (default 8 MiB, the store's own default)
// Uploads are served under /files/. Prints "tus listening on <port>" once it accepts connections.
import http from 'node:http';
import { Server } from '@tus/server';
import { S3Store } from '@tus/s3-store';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.env.TUS_PORT ?? 1080);
const bucket = required('TUS_S3_BUCKET');
const partSize = Number(process.env.TUS_PART_SIZE || 8 * 1024 * 1024);

const datastore = new S3Store({
  partSize,
  s3ClientConfig: {
    bucket,
    endpoint: required('TUS_S3_ENDPOINT'),
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: required('TUS_S3_ACCESS_KEY'),
      secretAccessKey: required('TUS_S3_SECRET_KEY'),
    },
    // S3Proxy rejects the SDK's default CRC32 checksums (400 XAmzContentSHA256Mismatch / 501).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  },
});

// DeleteObjects is "checksum required" in the SDK, so it still sends CRC32 headers, which S3Proxy answers
// with 501. Drop them after the SDK adds them (build step) and before the request is signed.
datastore.client.middlewareStack.add(
  (next) => async (args) => {
    const headers = args.request?.headers ?? {};
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('x-amz-checksum-') || lower.startsWith('x-amz-sdk-checksum-')) {
        delete headers[name];
      }
    }
    return next(args);
  },
  { step: 'build', priority: 'low', name: 'depotStripChecksumHeaders' },
);

try {
  await datastore.client.createBucket({ Bucket: bucket });
} catch (e) {
  if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') {
    throw e;
  }
}

const tus = new Server({ path: '/files', datastore });
const server = http.createServer((req, res) => tus.handle(req, res));
server.listen(port, '127.0.0.1', () => {
  console.log(`tus listening on ${server.address().port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
