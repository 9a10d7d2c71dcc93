/**
 * Long-running upload processes: finalizing a completed upload, expiring abandoned ones, reconciling
 * storage with the event store. Sagas live here and run in the command service.
 */
package io.depot.saga;
