from gazetteer.cli import main

raise SystemExit(main())
