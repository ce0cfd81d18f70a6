// Package httphedge sends a second copy of a slow HTTP request, within the
// budget of a [cancel.Hedger], and keeps the first good response.
//
// It is a package of its own so that programs that use package cancel
// without HTTP do not link net/http.
package httphedge
