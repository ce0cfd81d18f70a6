// Package redislimit limits events per key across every process of a
// service, with token buckets kept in Redis.
package redislimit
