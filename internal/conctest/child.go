package conctest

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// childEnv names the test a child process started by Child runs.
const childEnv = "CONCTEST_CHILD"

// Child runs the calling top-level test again in a child process of the
// test binary, with env added to its environment (such as
// "GODEBUG=panicnil=1", a setting a process cannot change for itself), and
// fails t with the child's output if the child fails. It reports whether
// the caller is the child: the test runs its body only then.
//
//	func TestPanicNil(t *testing.T) {
//		if !conctest.Child(t, "GODEBUG=panicnil=1") {
//			return
//		}
//		// the body, run with panicnil=1
//	}
func Child(t *testing.T, env ...string) bool {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), env...), childEnv+"="+t.Name())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s in a child process with %v: %v\n%s", t.Name(), env, err, out)
	}
	return false
}
