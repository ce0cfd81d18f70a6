package conctest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// atomicTypes are the types of sync/atomic whose methods a generic function
// can fail to inline; atomic.Pointer is generic itself and is not one.
var atomicTypes = map[string]bool{
	"Bool": true, "Int32": true, "Int64": true, "Uint32": true,
	"Uint64": true, "Uintptr": true, "Value": true,
}

// NoAtomicTypes fails t for every use of a non-generic type of sync/atomic
// (atomic.Int64, atomic.Bool, ...) in the non-test Go files of the current
// directory that match pattern.
//
// Generic code is compiled into the package that instantiates it, and a
// package that does not import sync/atomic itself calls the methods of
// those types there rather than inlining them. The functions of sync/atomic
// (atomic.LoadInt64, ...) on plain integers are compiler intrinsics,
// inlined everywhere; hot generic code uses them instead.
func NoAtomicTypes(t testing.TB, pattern string) {
	t.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range names {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "atomic" && atomicTypes[sel.Sel.Name] {
				t.Errorf("%s: atomic.%s: use the functions of sync/atomic on a plain integer",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatalf("no Go source files match %q", pattern)
	}
}
