package httplimit

import (
	"io"
	"net/http"
)

// A shedWriter records the status code of the response written through
// it: the first final (non-1xx) code passed to WriteHeader, or 200 when
// Write comes first.
type shedWriter struct {
	http.ResponseWriter
	status int // 0 until a final status is written
}

func (w *shedWriter) WriteHeader(code int) {
	if w.status == 0 && (code < 100 || code > 199) {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *shedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ReadFrom copies r to the server's writer, which keeps the server's own
// ReadFrom (sendfile for a file) for handlers that io.Copy into w.
func (w *shedWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return io.Copy(w.ResponseWriter, r)
}

// Flush flushes the server's writer if it can, for handlers that look for
// http.Flusher rather than use http.NewResponseController.
func (w *shedWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the server's writer, for http.NewResponseController.
func (w *shedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
