package dev.wbxt.router.toolkit.cards;

import java.io.File;
import java.nio.file.Path;

import org.apache.camel.support.FileWatcherResourceReloadStrategy;

/**
 * Hot reload of the card templates folder: Camel's file watcher (the one under the routes' reload), reporting each
 * saved, created or deleted {@code *.json} to {@link CardTemplates#reload}. On when the routes reload
 * ({@code routes.reload}).
 */
public class CardTemplateReload extends FileWatcherResourceReloadStrategy {
    public CardTemplateReload(CardTemplates templates) {
        super(templates.dir().toString(), false);
        setFileFilter((File f) -> f.getName().endsWith(".json"));
        setResourceReload((name, resource) -> templates.reload(Path.of(name)));
    }

    @Override
    protected String startupMessage(File dir) {
        return "Watching card templates in " + dir;
    }
}
