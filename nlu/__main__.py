from nlu.cli import main

raise SystemExit(main())
