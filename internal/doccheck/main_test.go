package main

import (
	"go/parser"
	"go/token"
	"reflect"
	"testing"

	"github.com/gopatterns/concurrency/internal/conctest"
)

func TestMain(m *testing.M) { conctest.Main(m) }

const src = `package p

// Documented is documented.
func Documented() {}

func Bare() {}

func unexported() {}

// T is documented.
type T[E any] struct{}

func (T[E]) NoDoc() {}

// WithDoc is documented.
func (*T[E]) WithDoc() {}

type hidden struct{}

func (hidden) Exported() {}

type U int

// Group doc.
const (
	A = 1
	B = 2
)

var V = 3

var W = 4 // trailing comment

// Types doc.
type (
	X int
	// Y is documented.
	Y int
)
`

func TestUndocumented(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got := undocumented(fset, f)
	want := []string{
		"p.go:6:1: Bare",
		"p.go:13:1: T.NoDoc",
		"p.go:22:6: U",
		"p.go:30:5: V",
		"p.go:36:2: X",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("undocumented = %q, want %q", got, want)
	}
}
