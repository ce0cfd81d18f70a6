package cancel

import (
	"errors"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }

// errStop is the cause with which tests cancel their contexts.
var errStop = errors.New("stop")
