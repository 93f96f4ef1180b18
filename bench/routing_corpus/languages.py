"""Messages in other languages (Spanish, French, German, Portuguese, Italian) as one persona.

A community bot gets these whatever its documentation language is; the router must not send a
hard question to a weak model because it has no English words in it.
"""

from __future__ import annotations

from bench.routing_corpus.personas import Persona

_POOLS = {
    "thing": [
        "el bot",
        "la API",
        "le connecteur",
        "das Plugin",
        "o painel",
        "il webhook",
        "la sincronización",
    ],
    "tool": ["Docker", "Kubernetes", "PostgreSQL", "Discord", "GitHub Actions"],
    "os": ["Windows", "Ubuntu", "macOS", "Android"],
    "setting": ["timeout", "idioma", "port", "Zeitzone", "limite de upload"],
    "err": [
        "401 Unauthorized",
        "connection refused",
        "permission denied",
        "500 Internal Server Error",
        "timeout",
    ],
    "alt": ["MySQL", "Redis", "SQLite", "RabbitMQ"],
    "goal": [
        "cambiar el idioma",
        "changer le port",
        "das Backup automatisieren",
        "exportar os dados",
    ],
}

OTHER_LANGUAGES = Persona(
    name="other-languages",
    ecosystem="python",
    pools=_POOLS,
    templates={
        "greeting": [
            "hola a todos",
            "bonjour !",
            "Hallo zusammen",
            "olá pessoal",
            "ciao a tutti",
            "buenas",
        ],
        "thanks": [
            "¡gracias, funcionó!",
            "merci beaucoup",
            "danke, klappt jetzt",
            "valeu, resolvido",
            "grazie mille",
        ],
        "chitchat": ["jaja genial", "super, merci", "alles klar", "kkkk boa", "eres un bot?"],
        "lookup": [
            "¿es gratis?",
            "c'est compatible avec {os} ?",
            "Gibt es eine Dokumentation auf Deutsch?",
            "onde fica o changelog?",
            "qual è l'ultima versione?",
            "¿dónde está la documentación de la API?",
        ],
        "howto": [
            "¿cómo puedo {goal}?",
            "comment configurer le {setting} ?",
            "Wie kann ich {thing} mit {tool} einrichten?",
            "como faço para {goal}?",
            "come si installa su {os}?",
        ],
        "error_line": [
            'me sale "{err}" al usar {thing}, ¿qué significa?',
            "j'ai l'erreur {err} avec {tool}, ça veut dire quoi ?",
            "Ich bekomme {err}, was bedeutet das?",
            "está dando {err}, o que significa?",
        ],
        "define": [
            "¿qué hace el parámetro {setting}?",
            "qu'est-ce qu'un webhook ?",
            "Was macht die Einstellung {setting}?",
        ],
        "debug_paste": [
            "el servicio se cae cada noche, este es el error:\n```\n{paste}\n```\nya reinstalé todo",
            "Das passiert beim Start:\n```\n{paste}\n```\nWoran liegt das?",
            "alguém sabe o que é isso?\n{paste}\nacontece só em produção",
        ],
        "report": [
            "Desde la actualización, {thing} responde muy lento (de 200 ms pasamos a 3 s) solo en producción. Usamos {tool} con {alt}, la CPU está al 20 % y la memoria bien. En staging con los mismos datos va rápido. Ya revisamos los índices y reiniciamos todo. ¿Qué puede estar pasando y cómo lo investigo?",
            "Depuis qu'on a migré vers {tool}, le {thing} perd des messages de temps en temps, environ 1 sur 500. Aucun message d'erreur dans les logs, les retries sont activés et la file {alt} ne déborde pas. Comment trouver d'où vient la perte ?",
            "Wir migrieren gerade von {alt} auf PostgreSQL und die Synchronisation läuft seit zwei Tagen. Manche Datensätze kommen doppelt an, andere fehlen. Die IDs sind UUIDs, wir nutzen {tool}. Was könnte die Ursache sein und wie gehen wir jetzt vor?",
        ],
        "design": [
            "¿{alt} o PostgreSQL para un proyecto con mucha escritura? ¿ventajas y desventajas?",
            "Vaut-il mieux un seul serveur ou séparer la base de données, et pourquoi ?",
            "Lohnt sich Kubernetes für drei Dienste oder reicht Docker Compose?",
            "vale a pena usar filas com {alt} ou chamadas diretas, considerando escala?",
        ],
        "multi_step": [
            "¿me explicas paso a paso cómo instalarlo, configurar el {setting} y luego conectarlo con {alt}?",
            "D'abord je dois migrer les données, ensuite changer le domaine et enfin activer le SSO : dans quel ordre et comment ?",
            "Schritt für Schritt: installieren, mit {tool} verbinden und dann automatisch starten?",
        ],
        "deep_explain": [
            "¿Cómo decide el sistema qué petición atender primero, y debería cambiarlo para mi caso con muchas subidas al mismo tiempo?",
            "Pouvez-vous expliquer comment le cache décide de ce qui est périmé, et si je dois l'ajuster pour ma charge ?",
            "Wie entscheidet der Scheduler, wann ein Job neu gestartet wird, und sollte ich das für lange Batch-Jobs anpassen?",
        ],
        "estimate": [
            "Si tengo 300 usuarios y cada uno sube 40 archivos de 3 MB al mes, ¿cuánto disco necesito en un año con copia de seguridad?",
            "Avec 50 000 appels API par jour et un quota de 1 million par mois, combien de jours avant de dépasser, et si on double le trafic ?",
        ],
        "migrate": [
            "Tenemos que migrar de {alt} a PostgreSQL con 60 GB de datos sin parar el servicio más de una hora. ¿Cómo lo planteamos?",
            "Precisamos migrar de {alt} para {tool} sem perder dados nem derrubar o sistema. Qual o plano?",
        ],
        "code_why": [
            "¿por qué este código no imprime nada?\n```python\n{code}\n```",
            "Warum ist das so langsam?\n```python\n{code}\n```",
        ],
        "code_small": ["¿qué hace `async with`?", "c'est quoi `--force` dans cette commande ?"],
        "long_social": [
            "¡Hola a todos! Soy desarrollador en Buenos Aires, trabajo con una pequeña empresa de logística y empezamos a usar el producto hace unas semanas. Me encanta la comunidad, solo quería presentarme y dar las gracias por toda la ayuda."
        ],
        "long_howto": [
            "Bonjour, nous sommes une petite association et tout fonctionne bien depuis l'installation, merci pour la documentation. Juste une petite question : comment configurer le {setting} ?"
        ],
        "short_hard": [
            "¿por qué se pone lento cada noche?",
            "Sharding oder Replikation?",
            "pourquoi les données sont dupliquées ?",
        ],
    },
)
