"""Unbound extension singletons; create_app() binds them."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from casework.infra.storage import StoreExtension

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
bootstrap = Bootstrap5()
talisman = Talisman()
file_store = StoreExtension()  # evidence, letters, dossiers: one store per app
