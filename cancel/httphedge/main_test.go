package httphedge

import (
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }
