from numpy_grader.cli import main

raise SystemExit(main())
