/**
 * Background workers, each an event handler in its own processing group: virus scanning, thumbnails and
 * transforms, checksum verification, deduplication by content hash, and moving cold files to cheaper
 * storage tiers.
 */
package io.depot.worker;
