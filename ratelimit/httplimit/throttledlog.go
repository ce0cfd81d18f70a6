package httplimit

import (
	"log"
	"net/http"
	"sync"
	"time"
)

// logEvery is the least time between two lines of the default OnError.
const logEvery = time.Second

// A throttledLog is the default OnError of one handler: it writes an error
// with the log package's standard logger unless it wrote a line less than
// logEvery ago, and counts the errors it leaves out for the next line.
//
// The zero value is ready to use; a throttledLog is safe for concurrent use.
type throttledLog struct {
	mu   sync.Mutex
	last time.Time // when the last line was written; zero before the first
	held int       // errors left out since then
}

// log is an OnError.
func (l *throttledLog) log(r *http.Request, err error) {
	now := time.Now()
	l.mu.Lock()
	if !l.last.IsZero() && now.Sub(l.last) < logEvery {
		l.held++
		l.mu.Unlock()
		return
	}
	held := l.held
	l.last, l.held = now, 0
	l.mu.Unlock()
	if held == 0 {
		log.Printf("%v (%s %s from %s)", err, r.Method, r.URL.Path, r.RemoteAddr)
		return
	}
	log.Printf("%v (%s %s from %s; %d more errors since the last line, not logged)",
		err, r.Method, r.URL.Path, r.RemoteAddr, held)
}
