package limit_test

import (
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }
