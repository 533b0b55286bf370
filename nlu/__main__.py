from nlu.training.cli import main

raise SystemExit(main())
